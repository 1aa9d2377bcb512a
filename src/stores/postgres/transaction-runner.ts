import type { TransactionClient } from '../../types.js';
import { IdempotencyStoreError, causeText } from '../store-error.js';
import { checkOutConnection, type ConnectablePool } from './checked-out-connection.js';
import { isConnectionError, type PostgresClient } from './client-health.js';

/** One step inside the transaction, given the connection that runs it. */
type Step = (connection: PostgresClient) => Promise<void>;

/**
 * Runs transactions on whichever client the store was given, and serializes what must be:
 * - a pg Pool: each transaction checks out a connection of its own, so they run side by side;
 * - a pg Client: one session, so a transaction and every other statement of the store take turns
 *   (a claim sent mid-transaction would otherwise join that transaction and share its fate);
 * - PGlite: `db.transaction`, which PGlite itself serializes against every other query.
 */
export interface TransactionRunner {
  /**
   * BEGIN, `work` with a guarded client, then `finish` on the connection itself, then COMMIT; a
   * rejection of either, or `signal` aborting, rolls back. After an abort nothing can commit: the
   * guarded client refuses queries at once, and a pooled connection that may still be running the
   * handler's last query is destroyed (PostgreSQL rolls back a session that ends) rather than
   * returned to the pool mid-transaction.
   */
  run(work: (db: TransactionClient) => Promise<void>, finish: Step, signal?: AbortSignal): Promise<void>;
  /** Runs one of the store's own statements when the session is free (pg Client), else at once. */
  exclusive<T>(statement: () => Promise<T>): Promise<T>;
  /** A plain transaction for the kit's own statements (the inbox's event log and jobs): COMMIT, or ROLLBACK on a rejection. */
  transaction<T>(statements: (connection: PostgresClient) => Promise<T>): Promise<T>;
}

type PgPool = PostgresClient & ConnectablePool;
interface PgliteLike extends PostgresClient {
  transaction<T>(callback: (tx: PostgresClient) => Promise<T>): Promise<T>;
}

/** PGlite (or a client shaped like it): it runs transactions itself, on its one connection. */
export function isPglite(client: unknown): client is PgliteLike {
  const shape = client as Record<string, unknown> | null;
  return typeof shape?.transaction === 'function' && typeof shape.query === 'function' && typeof shape.connect !== 'function';
}

/**
 * The one transaction runner of the kit's PostgreSQL code: postgresStore's and pgBossInbox's.
 * `undefined` for a client that only has query() (the caller says what to pass instead).
 */
export function createTransactionRunner(client: PostgresClient): TransactionRunner | undefined {
  const shape = client as unknown as Record<string, unknown>;
  if (isPglite(client)) return pgliteRunner(client);
  if (typeof shape.connect === 'function' && typeof shape.totalCount === 'number') return poolRunner(client as PgPool);
  if (typeof shape.connect === 'function') return clientRunner(client);
  return undefined;
}

function poolRunner(pool: PgPool): TransactionRunner {
  return {
    exclusive: (statement) => statement(),
    async transaction(statements) {
      // Heard from the moment it is handed over: a session killed mid-transaction must fail
      // this transaction, not crash the process with an unhandled 'error' event.
      const held = await checkOutConnection(pool);
      const connection = held.connection;
      let broken: Error | undefined;
      try {
        await connection.query('BEGIN');
        const result = await statements(connection);
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await connection.query('ROLLBACK').catch((rollbackError: unknown) => {
          // A connection that cannot roll back is not given back to the pool.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      } finally {
        held.release(broken);
      }
    },
    async run(work, finish, signal) {
      const connecting = checkOutConnection(pool);
      const held = await untilAborted(connecting, signal).catch((error: unknown) => {
        void connecting.then((late) => late.release(), () => undefined);
        throw signal?.aborted ? error : sessionLost('check a connection out of the pool', error);
      });
      const { connection } = held;
      const guard = guardedClient(connection);
      let step = 'begin the transaction';
      try {
        await connection.query('BEGIN');
        step = 'run the handlers';
        await untilAborted(work(guard.client), signal);
        guard.close();
        step = 'mark the event done';
        await untilAborted(finish(connection), signal);
        if (signal?.aborted) throw abortReason(signal);
        step = 'commit';
        await connection.query('COMMIT');
      } catch (error) {
        guard.close();
        if (signal?.aborted) {
          // The handler may still be inside a query: ending the session is the only rollback that
          // does not wait for it, and the only way to keep a mid-transaction connection out of the pool.
          held.release(new Error('stripe-webhook-kit: transaction abandoned after a handler timeout'));
          throw error;
        }
        const rollback = await connection.query('ROLLBACK').then(
          () => undefined,
          (rollbackError: unknown) => (rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))),
        );
        const lost = held.lost() ?? (rollback && isConnectionError(rollback) ? rollback : undefined);
        held.release(rollback);
        // The session ended under the transaction: whatever the handler threw is a consequence of
        // that, not a failure of its own, so it is answered as the store's failure.
        if (lost && !isRefusal(error)) throw sessionLost(step, lost, error);
        if (!isRefusal(error) && step !== 'run the handlers') throw sessionLost(step, error);
        throw error;
      }
      held.release();
    },
  };
}

/**
 * A failure that already says what happened: the store's own errors, and a `finish` that refused
 * to record the event because its lease was taken over (the store's or the inbox's).
 */
function isRefusal(error: unknown): boolean {
  try {
    return IdempotencyStoreError.is(error) || (error instanceof Error && (error as { code?: unknown }).code === 'lease_lost');
  } catch {
    // A handler may throw a value that even `instanceof` fails on (a revoked Proxy).
    return false;
  }
}

/** The store's own failure (500 store_unavailable): its connection or statement failed, not a handler. */
function sessionLost(step: string, cause: unknown, handlerError?: unknown): IdempotencyStoreError {
  const code = isConnectionError(cause) ? 'not_connected' : 'query_failed';
  const seen = handlerError !== undefined && handlerError !== cause ? ` (the handler saw: ${causeText(handlerError)})` : '';
  return new IdempotencyStoreError(
    'postgres',
    code,
    `postgresStore: the delivery's transaction failed to ${step}: ${causeText(cause)}${seen}. Nothing of it was committed ` +
      "(unless only the COMMIT's answer was lost: then Stripe's retry finds the event done). Check the database's availability; Stripe retries.",
    { cause },
  );
}

function clientRunner(session: PostgresClient): TransactionRunner {
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(statement: () => Promise<T>): Promise<T> => {
    const turn = tail.then(statement);
    tail = turn.catch(() => undefined);
    return turn;
  };
  return {
    exclusive,
    transaction: (statements) =>
      exclusive(async () => {
        await session.query('BEGIN');
        try {
          const result = await statements(session);
          await session.query('COMMIT');
          return result;
        } catch (error) {
          await session.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    run: (work, finish, signal) =>
      exclusive(async () => {
        const guard = guardedClient(session);
        let step = 'begin the transaction';
        try {
          await session.query('BEGIN');
          step = 'run the handlers';
          await untilAborted(work(guard.client), signal);
          guard.close();
          step = 'mark the event done';
          await untilAborted(finish(session), signal);
          if (signal?.aborted) throw abortReason(signal);
          step = 'commit';
          await session.query('COMMIT');
        } catch (error) {
          guard.close();
          // pg queues statements, so this ROLLBACK runs right after a query the handler still has
          // in flight, and the guard refuses any later one: nothing of this transaction commits.
          const rollback = await session.query('ROLLBACK').then(
            () => undefined,
            (rollbackError: unknown) => rollbackError,
          );
          if (signal?.aborted || isRefusal(error)) throw error;
          if (rollback !== undefined && isConnectionError(rollback)) throw sessionLost(step, rollback, error);
          if (step !== 'run the handlers') throw sessionLost(step, error);
          throw error;
        }
      }),
  };
}

function pgliteRunner(db: PgliteLike): TransactionRunner {
  return {
    exclusive: (statement) => statement(),
    transaction: (statements) => db.transaction(statements),
    async run(work, finish, signal) {
      // PGlite commits when the callback resolves and rolls back when it rejects; its transaction
      // object refuses queries once closed.
      await db.transaction(async (tx) => {
        const guard = guardedClient(tx);
        try {
          await untilAborted(work(guard.client), signal);
        } finally {
          guard.close();
        }
        await untilAborted(finish(tx), signal);
        if (signal?.aborted) throw abortReason(signal);
      });
    },
  };
}

/** The handlers' view of the connection: it refuses queries once the transaction is over. */
function guardedClient(connection: PostgresClient): { client: TransactionClient; close(): void } {
  let closed = false;
  const client: TransactionClient = {
    query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: Row[] }> {
      if (closed) {
        return Promise.reject(
          new IdempotencyStoreError(
            'postgres',
            'transaction_closed',
            "ctx.db: this event's transaction is over (its handlers settled, failed or timed out, or the lease was lost), so the query was not run. " +
              'Await every ctx.db query inside the handler.',
          ),
        );
      }
      return connection.query(text, params) as Promise<{ rows: Row[] }>;
    },
  };
  return {
    client,
    close() {
      closed = true;
    },
  };
}

/** `work`, or the abort reason as soon as `signal` aborts (the work itself keeps running). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`the transaction was abandoned: ${String(reason)}`);
}
