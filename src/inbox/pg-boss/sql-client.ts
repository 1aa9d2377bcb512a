import { createTransactionRunner, type TransactionRunner } from '../../stores/postgres/transaction-runner.js';
import { InboxError } from '../inbox-error.js';

/** One connection's worth of SQL: a pg Client or Pool, PGlite, or a transaction of either. */
export interface SqlClient {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A client that can also run a transaction on one connection, with the kit's shared runner. */
export interface SqlDatabase extends SqlClient {
  transaction<T>(run: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** The runner postgresStore uses too: the handlers' transaction, with a guarded `ctx.db`. */
  readonly runner: TransactionRunner;
}

/**
 * Wraps what the user passed (`db`), or the pool pg-boss opened for itself, so the event log and
 * the engine's job can be written in one transaction.
 */
export function toSqlDatabase(db: unknown): SqlDatabase {
  const runner = typeof (db as SqlClient | undefined)?.query === 'function' ? createTransactionRunner(db as SqlClient) : undefined;
  if (runner) return { query: (text, params) => (db as SqlClient).query(text, params), transaction: (run) => runner.transaction(run), runner };
  throw new InboxError(
    'invalid_options',
    'pgBossInbox: cannot find a database connection for the event log. Pass `db`: the pg Pool, or the PGlite instance, that pg-boss runs on ' +
      '(pg-boss opens its own pool only after `await boss.start()`; call pgBossInbox after it, or pass `db`).',
  );
}

/** The `db` option of pg-boss's `send()` (its `IDatabase`), over one transaction's client. */
export function engineConnection(tx: SqlClient): { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } {
  return { executeSql: (text, values) => tx.query(text, values) };
}
