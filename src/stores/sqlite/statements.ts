/*
 * The SQL of `sqliteStore`, one dialect for every driver (D1, node:sqlite, bun:sqlite,
 * better-sqlite3). Parameters are positional `?`, the one form all four bind alike, and every
 * statement returns rows, so each driver runs them all one way.
 *
 * Times are epoch milliseconds read from the database (`julianday('now')`, which SQLite reads
 * once per statement), so every process sharing a file, or every Worker sharing a D1 database,
 * agrees on when a lease ends. `julianday` rather than `unixepoch('subsec')`: it exists in every
 * SQLite a driver may bring (the system library behind bun:sqlite on macOS is older than 3.42).
 *
 * One row per event id, as in the PostgreSQL store:
 * - `in_progress` with the claimer's `lease_token`, until `expires_at` (the lease);
 * - `done`, remembered until `expires_at` (the retention).
 * A row whose `expires_at` passed counts as absent: a claim takes it over, `cleanup` deletes it.
 */

const now = `((julianday('now') - 2440587.5) * 86400000.0)`;

/** The table and its index, idempotent. `name` is validated (sqlite-table-name.ts). */
export function schemaStatements(name: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS "${name}" (
  event_id    TEXT NOT NULL PRIMARY KEY,
  state       TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),
  lease_token TEXT,
  expires_at  REAL NOT NULL,
  updated_at  REAL NOT NULL
)`,
    // For cleanup, which deletes by expiry.
    `CREATE INDEX IF NOT EXISTS "${name}_expires_at_idx" ON "${name}" (expires_at)`,
  ];
}

/** Proves the database is open and the table is there and readable, without reading a row. */
function readyStatement(name: string): string {
  return `SELECT 1 AS ready FROM "${name}" LIMIT 0`;
}

/**
 * ? event id, ? the claim's lease token, ? lease in ms. Inserts the row, or takes over an expired
 * one, or leaves a live one as it is; either way RETURNING gives the row as it now stands, so one
 * statement both decides and answers. SQLite runs a writing statement under the database's single
 * write lock, so of concurrent claims from any number of connections or processes exactly one
 * finds its own token in the row.
 */
function claimStatement(name: string): string {
  const expired = `held.expires_at <= ${now}`;
  return `INSERT INTO "${name}" AS held (event_id, state, lease_token, expires_at, updated_at)
VALUES (?, 'in_progress', ?, ${now} + ?, ${now})
ON CONFLICT (event_id) DO UPDATE SET
  state       = CASE WHEN ${expired} THEN excluded.state       ELSE held.state       END,
  lease_token = CASE WHEN ${expired} THEN excluded.lease_token ELSE held.lease_token END,
  updated_at  = CASE WHEN ${expired} THEN excluded.updated_at  ELSE held.updated_at  END,
  expires_at  = CASE WHEN ${expired} THEN excluded.expires_at  ELSE held.expires_at  END
RETURNING state, lease_token`;
}

/**
 * ? event id, ? retention in ms. An upsert rather than an update: the row may be gone if a lease
 * expired and `cleanup` ran while a slow handler was still working.
 */
function completeStatement(name: string): string {
  return `INSERT INTO "${name}" (event_id, state, lease_token, expires_at, updated_at)
VALUES (?, 'done', NULL, ${now} + ?, ${now})
ON CONFLICT (event_id) DO UPDATE SET
  state = 'done', lease_token = NULL, expires_at = excluded.expires_at, updated_at = excluded.updated_at
RETURNING state`;
}

/**
 * ? event id, then twice the releasing claim's token, or NULL when this store instance holds none. A done
 * row is never deleted: a late release must not let the event run again.
 */
function releaseStatement(name: string): string {
  return `DELETE FROM "${name}" WHERE event_id = ? AND state = 'in_progress' AND (? IS NULL OR lease_token = ?) RETURNING 1 AS released`;
}

/** ? batch size. Deletes expired leases and done rows past their retention, a batch at a time. */
function cleanupStatement(name: string): string {
  return `DELETE FROM "${name}" WHERE event_id IN (
  SELECT event_id FROM "${name}" WHERE expires_at <= ${now} LIMIT ?)
RETURNING 1 AS removed`;
}

/** The statements of one table, by what they do. */
export function storeStatements(name: string) {
  return { ready: readyStatement(name), claim: claimStatement(name), complete: completeStatement(name), release: releaseStatement(name), cleanup: cleanupStatement(name) };
}
