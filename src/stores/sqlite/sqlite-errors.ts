import { IdempotencyStoreError, causeText } from '../store-error.js';
import type { SqliteDriverName } from './sqlite-driver.js';

// The drivers word these differently and few give a code: better-sqlite3 "The database
// connection is not open", node:sqlite "database is not open", bun:sqlite "Cannot use a closed
// database", D1 "D1_ERROR: no such table: ...".
const closed = /not open|closed database|database is closed/i;
const noTable = /no such table/i;
const readOnly = /readonly database|read-only/i;
const busy = /database is locked|SQLITE_BUSY/i;

/** Whether the statement failed because the table is gone. */
export function tableMissing(error: unknown): boolean {
  return noTable.test(causeText(error));
}

/** An `IdempotencyStoreError` that names the driver, the table, the cause and the fix. */
export function storeError(driver: SqliteDriverName, table: string, action: string, error: unknown): IdempotencyStoreError {
  const cause = causeText(error);
  const where = `sqliteStore (${driver}, table "${table}")`;
  if (closed.test(cause)) {
    return new IdempotencyStoreError('sqlite', 'not_connected', `${where}: cannot ${action}, the database is closed: ${cause}. Keep it open while the webhook handler runs.`, {
      cause: error,
    });
  }
  if (action === 'create the table' || noTable.test(cause)) {
    const fix = readOnly.test(cause) ? 'Open the database read-write' : 'Check that the database file can be written and the table name is free';
    return new IdempotencyStoreError('sqlite', 'table_unavailable', `${where}: cannot ${action}: ${cause}. ${fix}.`, { cause: error });
  }
  const advice = busy.test(cause)
    ? ' Another connection held the write lock longer than the busy timeout: raise it (PRAGMA busy_timeout), or keep write transactions on this file short.'
    : '';
  return new IdempotencyStoreError('sqlite', 'query_failed', `${where}: failed to ${action}: ${cause}.${advice}`, { cause: error });
}
