import type { TableName } from './table-name.js';

/*
 * Every time below is the database's (`statement_timestamp()`), never the application's: hosts
 * whose clocks disagree still agree on when a lease ends. `statement_timestamp()` is read once per
 * statement, so each statement sees one consistent "now".
 *
 * One row per event id:
 * - `in_progress` with the claimer's `lease_token`, until `expires_at` (the lease);
 * - `done`, remembered until `expires_at` (the retention).
 * A row whose `expires_at` passed counts as absent: a claim takes it over, `cleanup` deletes it.
 */

/** The table and its index, idempotent: for users who create tables with their own migrations. */
export function schemaStatements(table: TableName): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${table.quoted} (
  event_id    text        PRIMARY KEY,
  state       text        NOT NULL CHECK (state IN ('in_progress', 'done')),
  lease_token uuid,
  expires_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
)`,
    // For cleanup, which deletes by expiry.
    `CREATE INDEX IF NOT EXISTS "${table.indexName}" ON ${table.quoted} (expires_at)`,
  ];
}

/** The same, as one script to paste into a migration. */
export function schemaScript(table: TableName): string {
  return schemaStatements(table).join(';\n\n') + ';\n';
}

/**
 * Creates the table once across any number of processes starting together. `CREATE TABLE IF NOT
 * EXISTS` alone is not safe under concurrency: two sessions can both find the name free and one
 * then fails on the `pg_type` unique index. A transaction-scoped advisory lock serializes the
 * creators (a DO block is one statement, hence one transaction, which also suits PgBouncer's
 * transaction pooling). Checking `to_regclass` first lets a role without CREATE privilege use a
 * table that a migration made.
 */
export function ensureTableStatement(table: TableName): string {
  // Safe to splice: `parseTableName` admits only [A-Za-z0-9_] and one dot. The lock's first key
  // ('SWK1' as an int) keeps it apart from the app's own advisory locks, the second per table.
  const [createTable, createIndex] = schemaStatements(table);
  return `DO $stripe_webhook_kit$
BEGIN
  IF to_regclass('${table.quoted}') IS NULL THEN
    PERFORM pg_advisory_xact_lock(1398229809, hashtext('${table.quoted}'));
    IF to_regclass('${table.quoted}') IS NULL THEN
      ${createTable};
      ${createIndex};
    END IF;
  END IF;
END
$stripe_webhook_kit$`;
}

/** Proves the connection works and the table is there and readable, without reading a row. */
export function readyStatement(table: TableName): string {
  return `SELECT 1 FROM ${table.quoted} LIMIT 0`;
}

/**
 * $1 event ids (text[], sorted, without repeats), $2 each one's fresh lease token (uuid[]), $3
 * each one's lease in ms (float8[]; handlers sharing a store may lease differently): the claims of concurrent deliveries in one statement (see statement-batcher.ts).
 * Per event it inserts the row, or takes over an expired one, or leaves a live one untouched. The
 * conflicting row is locked and read at its latest committed version, so of concurrent claims
 * exactly one sees its own token come back; the others learn the current state in the same round
 * trip (no read-then-write race). Rows are locked in the array's order, so two such statements
 * cannot deadlock each other. Sharing a statement changes no claim's answer: each row's upsert is
 * decided alone, and the ids are keys (../event-key.ts) that no id can make the statement fail on.
 */
export function claimStatement(table: TableName): string {
  const expired = 'held.expires_at <= statement_timestamp()';
  return `WITH claim AS (SELECT * FROM unnest($1::text[], $2::uuid[], $3::double precision[]) AS claim(event_id, lease_token, lease_ms)),
upsert AS (
  INSERT INTO ${table.quoted} AS held (event_id, state, lease_token, expires_at, updated_at)
  SELECT claim.event_id, 'in_progress', claim.lease_token, statement_timestamp() + claim.lease_ms * interval '1 millisecond', statement_timestamp()
  FROM claim
  ON CONFLICT (event_id) DO UPDATE SET
    state       = CASE WHEN ${expired} THEN EXCLUDED.state       ELSE held.state       END,
    lease_token = CASE WHEN ${expired} THEN EXCLUDED.lease_token ELSE held.lease_token END,
    updated_at  = CASE WHEN ${expired} THEN EXCLUDED.updated_at  ELSE held.updated_at  END,
    expires_at  = CASE WHEN ${expired} THEN EXCLUDED.expires_at  ELSE held.expires_at  END
  RETURNING held.event_id, held.state, held.lease_token)
SELECT upsert.event_id, upsert.state, upsert.lease_token IS NOT DISTINCT FROM claim.lease_token AS claimed
FROM upsert JOIN claim USING (event_id)`;
}

/**
 * $1 the event ids (text[], sorted, without repeats), $2 retention in ms: the completions of
 * concurrent deliveries in one statement, so one commit (one WAL flush) makes them all durable
 * (see statement-batcher.ts). An upsert rather than an update: the row may be gone if a lease
 * expired and `cleanup` ran while a slow handler was still working. The rows are written in the
 * array's order, so two such statements cannot deadlock each other.
 *
 * The commit stays synchronous: a completion that answered is on disk, so a database crash right
 * after it cannot let a duplicate run the handlers again once the lease ends. (Skipping the flush
 * for it measured about 1.2x more deliveries/s on top of batching; see bench/REPORT.md.)
 */
export function completeStatement(table: TableName): string {
  return `INSERT INTO ${table.quoted} AS held (event_id, state, lease_token, expires_at, updated_at)
SELECT done.event_id, 'done', NULL::uuid, statement_timestamp() + $2::double precision * interval '1 millisecond', statement_timestamp()
FROM unnest($1::text[]) AS done(event_id)
ON CONFLICT (event_id) DO UPDATE SET
  state = 'done', lease_token = NULL, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at`;
}

/**
 * $1 event id, $2 the claim's token, $3 retention in ms. The done mark of a transactional store,
 * inside the handlers' transaction: it applies only while this claim still holds the row, so a
 * delivery that lost its lease to another (which may be running the handlers right now) changes
 * nothing and rolls back. The row lock it takes makes a concurrent takeover wait for the commit,
 * after which the takeover finds the event done.
 */
export function markDoneStatement(table: TableName): string {
  return `UPDATE ${table.quoted}
SET state = 'done', lease_token = NULL, expires_at = statement_timestamp() + $3::double precision * interval '1 millisecond', updated_at = statement_timestamp()
WHERE event_id = $1 AND state = 'in_progress' AND lease_token = $2::uuid
RETURNING 1 AS marked`;
}

/**
 * $1 event id, $2 the releasing claim's token, or NULL when this store instance holds none. A done
 * row is never deleted: a late release must not let the event run again.
 */
export function releaseStatement(table: TableName): string {
  return `DELETE FROM ${table.quoted}
WHERE event_id = $1 AND state = 'in_progress' AND ($2::uuid IS NULL OR lease_token = $2::uuid)`;
}

/**
 * $1 batch size. Deletes expired leases and done rows past their retention, a batch per
 * statement so no transaction holds many row locks; rows being claimed right now are skipped.
 */
export function cleanupStatement(table: TableName): string {
  return `WITH gone AS (
  DELETE FROM ${table.quoted} WHERE event_id IN (
    SELECT event_id FROM ${table.quoted}
    WHERE expires_at <= statement_timestamp()
    LIMIT $1 FOR UPDATE SKIP LOCKED)
  RETURNING 1)
SELECT count(*)::int AS removed FROM gone`;
}
