import { healthCountersStatement, healthIndexStatement } from './health-sql.js';
import { entryColumns } from './list-query.js';

/*
 * The kit's event log on PostgreSQL: one row per event (payload, status, attempts) and, for
 * `ordering: 'per-object'`, one row per object (who holds it, and the `created` of the newest event
 * processed for it). Times are the database's, so workers with skewed clocks agree on leases.
 * Table names are validated by `parseTableName` (letters, digits, `_`, one dot) before they get here.
 */

export interface EventLogTables {
  events: string;
  objects: string;
  /** For the advisory lock that serializes the creation. */
  name: string;
}

export function eventLogSchema(tables: EventLogTables): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${tables.events} (
  seq         bigserial   NOT NULL,
  event_id    text        PRIMARY KEY,
  type        text        NOT NULL,
  object_id   text,
  order_ref   text,
  created     bigint      NOT NULL,
  payload     jsonb       NOT NULL,
  status      text        NOT NULL CHECK (status IN ('queued', 'processing', 'done', 'failed', 'dead', 'discarded')),
  attempts    jsonb       NOT NULL DEFAULT '[]'::jsonb,
  generation  integer     NOT NULL DEFAULT 0,
  lease_token text,
  lease_until timestamptz,
  trace_context text,
  received_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  updated_at  timestamptz NOT NULL DEFAULT statement_timestamp()
)`,
    // The console lists newest first, by any one filter and a time range, a page at a time: each
    // index ends with the list's order (received_at, seq), so every such page is one index range
    // scan, at any size of the log. `search` ORs three of them (and the primary key).
    // `status` rides along so that the timeline's counts can be read from this index alone.
    `CREATE INDEX IF NOT EXISTS ${indexName(tables, 'received')} ON ${tables.events} (received_at, seq) INCLUDE (status)`,
    `CREATE INDEX IF NOT EXISTS ${indexName(tables, 'status')} ON ${tables.events} (status, received_at, seq)`,
    `CREATE INDEX IF NOT EXISTS ${indexName(tables, 'type')} ON ${tables.events} (type, received_at, seq)`,
    `CREATE INDEX IF NOT EXISTS ${indexName(tables, 'object')} ON ${tables.events} (object_id, received_at, seq)`,
    `CREATE INDEX IF NOT EXISTS ${indexName(tables, 'order')} ON ${tables.events} (order_ref, received_at, seq)`,
    `CREATE TABLE IF NOT EXISTS ${tables.objects} (
  object_id    text        PRIMARY KEY,
  holder       text,
  lease_until  timestamptz,
  done_created bigint      NOT NULL DEFAULT 0
)`,
  ];
}

function indexName(tables: EventLogTables, suffix: string): string {
  // Unquoted on purpose: CREATE INDEX puts it in the table's schema.
  return `"${tables.name.split('.').pop()!.slice(0, 40)}_${suffix}_idx"`;
}

/**
 * Creates both tables once across processes starting together (see postgresStore's guard).
 * `embedded`: the database is PGlite (see healthCountersStatement).
 */
export function ensureEventLogStatement(tables: EventLogTables, embedded = false): string {
  return `DO $swk_inbox$
BEGIN
  IF to_regclass('${tables.objects}') IS NULL THEN
    PERFORM pg_advisory_xact_lock(1398229810, hashtext('${tables.events}'));
    ${eventLogSchema(tables).join(';\n    ')};
  END IF;
  ${healthIndexStatement(tables)};
  ${healthCountersStatement(tables, embedded)};
END
$swk_inbox$`;
}

/**
 * The parts of the `ordering: 'none'` claim, for a statement that finds its event by other means
 * (pg-boss's job fetch folds it in): $2 the lease token, $3 the lease in milliseconds. The event
 * may be claimed unless it is settled or a live lease holds it.
 */
export const freeClaim = {
  set: `status = 'processing', lease_token = $2, lease_until = statement_timestamp() + $3 * interval '1 millisecond',
  attempts = attempts || jsonb_build_array(jsonb_build_object('startedAt', to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))),
  updated_at = statement_timestamp()`,
  where: `status NOT IN ('done', 'discarded', 'dead') AND NOT (status = 'processing' AND COALESCE(lease_until > statement_timestamp(), false))`,
  returning: `payload, created, trace_context, received_at, jsonb_array_length(attempts) - 1 AS attempt_count, statement_timestamp() AS started_at`,
};

/**
 * Records the outcome only while `$2` still holds the lease, and frees the object, in one
 * statement: $1 the event, $3 the status, $4 the attempt's outcome. `alsoWhenSettled` is one more
 * data-modifying CTE that may read `settled` (pg-boss's job completion, in the same statement).
 */
export function settleStatement({ events, objects }: EventLogTables, alsoWhenSettled?: string): string {
  return `WITH settled AS (
  UPDATE ${events} SET status = $3, lease_token = NULL, lease_until = NULL, updated_at = statement_timestamp(),
    attempts = jsonb_set(attempts, ARRAY[(jsonb_array_length(attempts) - 1)::text], (attempts -> -1) || $4::jsonb)
  WHERE event_id = $1 AND lease_token = $2 AND jsonb_array_length(attempts) > 0
  RETURNING object_id, created
), released AS (
  UPDATE ${objects} o SET holder = NULL, lease_until = NULL,
    done_created = CASE WHEN $3 = 'done' THEN GREATEST(o.done_created, s.created) ELSE o.done_created END
  FROM settled s WHERE o.object_id = s.object_id AND o.holder = $1
)${alsoWhenSettled ? `, ${alsoWhenSettled}` : ''}
SELECT count(*)::int AS settled FROM settled`;
}

export function eventLogStatements(tables: EventLogTables) {
  const { events, objects } = tables;
  const readEvent = `SELECT status, payload, object_id, created, trace_context, received_at, jsonb_array_length(attempts) AS attempt_count, lease_until > statement_timestamp() AS leased,
  GREATEST(0, extract(epoch FROM lease_until - statement_timestamp()) * 1000)::int AS lease_left_ms
FROM ${events} WHERE event_id = $1`;
  return {
    insert: `INSERT INTO ${events} (event_id, type, object_id, order_ref, created, payload, trace_context, status) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, 'queued')
ON CONFLICT (event_id) DO NOTHING RETURNING event_id, generation`,
    lockEvent: `${readEvent} FOR UPDATE`,
    // Why a one-statement claim found nothing to claim.
    readEvent,
    // The object is free when nobody holds it, its holder's lease ran out, or this event holds it;
    // and this event ($2, created $4) may take it only when no older event of the object is still
    // queued: of the events waiting for an object, the oldest by `created` runs first, whatever
    // order their jobs come in. No row: busy either way.
    lockObject: `INSERT INTO ${objects} (object_id, holder, lease_until)
SELECT $1::text, $2::text, statement_timestamp() + $3 * interval '1 millisecond'
WHERE NOT EXISTS (SELECT 1 FROM ${events} WHERE object_id = $1::text AND status = 'queued' AND created < $4::bigint)
ON CONFLICT (object_id) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
WHERE ${objects}.holder IS NULL OR ${objects}.lease_until <= statement_timestamp() OR ${objects}.holder = excluded.holder
RETURNING done_created`,
    claim: `UPDATE ${events} SET ${freeClaim.set} WHERE event_id = $1 RETURNING statement_timestamp() AS started_at`,
    // `ordering: 'none'`: the claim in one statement, without a transaction. The row lock taken by
    // the UPDATE makes concurrent claims queue up, and each re-checks the WHERE on the row it then
    // finds (READ COMMITTED), so one of them wins. No row: the caller asks why (lockEvent, no lock).
    claimFree: `UPDATE ${events} SET ${freeClaim.set} WHERE event_id = $1 AND ${freeClaim.where} RETURNING ${freeClaim.returning}`,
    settle: settleStatement(tables),
    // After the engine gave up on a job whose last attempt never reported (its worker died).
    markDead: `UPDATE ${events} SET status = 'dead', lease_token = NULL, lease_until = NULL, updated_at = statement_timestamp(),
  attempts = CASE WHEN jsonb_array_length(attempts) > 0 AND NOT (attempts -> -1) ? 'durationMs' AND NOT (attempts -> -1) ? 'error'
    THEN jsonb_set(attempts, ARRAY[(jsonb_array_length(attempts) - 1)::text], (attempts -> -1) || $2::jsonb) ELSE attempts END
WHERE event_id = $1 AND generation = $3 AND status NOT IN ('done', 'discarded', 'dead') RETURNING event_id, type`,
    get: `SELECT ${entryColumns}, payload, attempts FROM ${events} WHERE event_id = $1`,
    // Anything but an event a worker holds right now, and a done one only when $2 asks for it.
    requeue: `UPDATE ${events} SET status = 'queued', generation = generation + 1, updated_at = statement_timestamp()
WHERE event_id = ANY($1::text[]) AND NOT (status = 'processing' AND lease_until > statement_timestamp()) AND (status <> 'done' OR $2::boolean)
RETURNING event_id, generation`,
    purge: `WITH gone AS (DELETE FROM ${events} WHERE status IN ('done', 'discarded', 'dead') AND received_at < $1 RETURNING 1) SELECT count(*)::int AS purged FROM gone`,
    stats: `SELECT status, count(*)::int AS count FROM ${events} GROUP BY status`,
    // One pass over the range's index entries; empty buckets are filled in by the caller.
    // $1 since (epoch ms), $2 bucket width (ms), $3 since, $4 until (timestamptz).
    timeline: `SELECT floor((extract(epoch FROM received_at) * 1000 - $1::numeric) / $2::numeric)::int AS bucket, count(*)::int AS received,
  count(*) FILTER (WHERE status IN ('failed', 'dead', 'discarded'))::int AS failed
FROM ${events} WHERE received_at >= $3 AND received_at < $4 GROUP BY 1`,
  };
}
