import { InboxError } from '../inbox-error.js';

/** One connection's worth of SQL: a pg Client or Pool, PGlite, or a transaction of either. */
export interface SqlClient {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A client that can also run a transaction on one connection. */
export interface SqlDatabase extends SqlClient {
  transaction<T>(run: (tx: SqlClient) => Promise<T>): Promise<T>;
}

interface PooledClient extends SqlClient {
  release(error?: Error | boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}
interface PoolLike extends SqlClient {
  connect(): Promise<PooledClient>;
}
interface PgliteLike extends SqlClient {
  transaction<T>(run: (tx: SqlClient) => Promise<T>): Promise<T>;
}

/**
 * Wraps what the user passed (`db`), or the pool pg-boss opened for itself, so the event log and
 * the engine's job can be written in one transaction.
 */
export function toSqlDatabase(db: unknown): SqlDatabase {
  if (isPglite(db)) return { query: (text, params) => db.query(text, params), transaction: (run) => db.transaction(run) };
  if (isPool(db)) {
    return {
      query: (text, params) => db.query(text, params),
      async transaction(run) {
        const client = await db.connect();
        let broken: Error | undefined;
        // pg's pool listens for a client's errors only while it is idle: a connection lost while
        // checked out (the server restarted between two statements, or during a handler that holds
        // ctx.db) emits 'error' with no listener, which ends the process. Heard here, it only
        // breaks this transaction: its next statement fails, and the client is not given back.
        const onError = (error: Error) => {
          broken = error;
        };
        client.on('error', onError);
        try {
          await client.query('BEGIN');
          const result = await run(client);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: unknown) => {
            // A connection that cannot roll back is not given back to the pool.
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          });
          throw error;
        } finally {
          client.removeListener('error', onError);
          client.release(broken);
        }
      },
    };
  }
  throw new InboxError(
    'invalid_options',
    'pgBossInbox: cannot find a database connection for the event log. Pass `db`: the pg Pool, or the PGlite instance, that pg-boss runs on ' +
      '(pg-boss opens its own pool only after `await boss.start()`; call pgBossInbox after it, or pass `db`).',
  );
}

function isPglite(db: unknown): db is PgliteLike {
  return typeof db === 'object' && db !== null && typeof (db as PgliteLike).transaction === 'function' && typeof (db as PgliteLike).query === 'function';
}

function isPool(db: unknown): db is PoolLike {
  return typeof db === 'object' && db !== null && typeof (db as PoolLike).connect === 'function' && typeof (db as PoolLike).query === 'function';
}

/** The `db` option of pg-boss's `send()` (its `IDatabase`), over one transaction's client. */
export function engineConnection(tx: SqlClient): { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } {
  return { executeSql: (text, values) => tx.query(text, values) };
}
