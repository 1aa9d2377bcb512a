import type { PostgresClient } from './client-health.js';

/** A connection of a pg Pool, as `pool.connect()` hands it out. */
export interface PoolConnection extends PostgresClient {
  release(destroy?: Error | boolean): void;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/** What `connect` needs of a pg Pool: its callback form (pg-pool has it). */
export interface ConnectablePool {
  connect(callback?: (error: Error | undefined, connection: PoolConnection | undefined) => void): Promise<PoolConnection> | void;
}

/** A connection held by the kit, which hears the connection's errors for as long as it holds it. */
export interface CheckedOutConnection {
  readonly connection: PoolConnection;
  /** The error the connection emitted while held (PostgreSQL ended the session, the socket broke), if any. */
  lost(): Error | undefined;
  /** Gives the connection back (or destroys it, with `destroy`); idempotent. */
  release(destroy?: Error | boolean): void;
}

/**
 * Checks a connection out of a pg Pool with an 'error' listener attached before any other code
 * runs. pg-pool takes its own idle listener off a connection for as long as it is checked out, and
 * a connection that then reports an error with no listener crashes the process (an unhandled
 * 'error' event). With `await pool.connect()` the listener would come one microtask late, yet the
 * error can arrive in that gap: pg parses a whole TCP chunk at once, and a chunk that holds the
 * ReadyForQuery which hands the connection over can also hold the FATAL 57P01 of a session just
 * terminated (pg_terminate_backend, a failover). The callback form of `connect` runs inside that
 * hand-over, so the listener is there before the FATAL is parsed.
 */
export function checkOutConnection(pool: ConnectablePool): Promise<CheckedOutConnection> {
  return new Promise((resolve, reject) => {
    let handedOver = false;
    const take = (error: Error | undefined, connection: PoolConnection | undefined) => {
      if (handedOver) return;
      handedOver = true;
      if (error || !connection) {
        reject(error ?? new Error('the pg Pool handed out no connection'));
        return;
      }
      resolve(hold(connection));
    };
    const returned = pool.connect(take);
    // A pool that only has the promise form (not pg-pool): the listener then comes a microtask late.
    if (returned && typeof returned.then === 'function') returned.then((connection) => take(undefined, connection), (error: Error) => take(error, undefined));
  });
}

function hold(connection: PoolConnection): CheckedOutConnection {
  let lostWith: Error | undefined;
  let released = false;
  // The session is gone; the next query on it fails, and whoever holds it decides what that means.
  const onError = (error: Error) => {
    lostWith ??= error;
  };
  connection.on?.('error', onError);
  return {
    connection,
    lost: () => lostWith,
    release(destroy) {
      if (released) return;
      released = true;
      connection.removeListener?.('error', onError);
      // pg-pool puts its idle listener back synchronously inside release(): no gap on the way back.
      connection.release(destroy ?? lostWith);
    },
  };
}
