import { parseTableName } from '../../stores/postgres/table-name.js';
import { judgeHealth, resolveHealthOptions, type InboxHealth, type InboxHealthOptions } from '../inbox-health.js';

/*
 * What `inbox.health()` reads on PostgreSQL, at the same cost at any size of the log: the counts
 * come from a small table of counters and the moves not yet folded into it, which triggers on the
 * event log keep exact (see healthCountersStatement), the oldest queued event is the first entry
 * of the status index's `queued` range, and the last done event the last entry of the
 * `(status, updated_at)` index's `done` range. Counting index ranges instead grows
 * with the events not done: a 100,000-event backlog during an outage, exactly when a probe must
 * answer fast.
 */

/** The event log's quoted table and its name as given (see event-log-sql.ts). */
export interface HealthTables {
  events: string;
  name: string;
}

/** The statuses health reports; done and discarded events are never counted, so purging them is free. */
const countedStatuses = ['queued', 'processing', 'failed', 'dead'];

/**
 * The moves are folded into the counts once per this many statements that moved events (the one
 * whose number from a sequence is a multiple of it folds): what health sums stays small whatever
 * the traffic, and the cost of a fold is shared by that many statements.
 */
export const foldEvery = 256;

/** The name of an index, function or trigger of the log, without its schema. */
export function localName(tables: HealthTables, suffix: string): string {
  return `${tables.name.split('.').pop()!.slice(0, 40)}_${suffix}`;
}

/** The same, in the log's schema. */
export function objectName(tables: HealthTables, suffix: string): string {
  const schema = tables.events.includes('.') ? `${tables.events.split('.')[0]}.` : '';
  return `${schema}"${localName(tables, suffix)}"`;
}

export function countsTable(tables: HealthTables): string {
  return parseTableName(`${tables.name}_counts`).quoted;
}

function movesTable(tables: HealthTables): string {
  return objectName(tables, 'count_moves');
}

function foldSequence(tables: HealthTables): string {
  return objectName(tables, 'count_folds');
}

/** The index behind `lastDoneAt`: created with the log, and once for a log made before it. */
export function healthIndexStatement(tables: HealthTables): string {
  return `IF to_regclass('${objectName(tables, 'status_updated_idx')}') IS NULL THEN
    PERFORM pg_advisory_xact_lock(1398229810, hashtext('${tables.events}'));
    CREATE INDEX IF NOT EXISTS "${localName(tables, 'status_updated_idx')}" ON ${tables.events} (status, updated_at);
  END IF`;
}

/**
 * The counters (a PL/pgSQL block's statements): created with the log, and once for a log made
 * before them, whose counts are then read from it once. The lock on the log keeps writers out
 * between that count and the triggers' creation, so no event is counted twice or missed. A log
 * whose counters an earlier version keeps (its triggers updated the counts rows themselves) is
 * counted again the same way and gets the triggers below.
 *
 * Each statement that moves events between statuses appends its moves (+1 or -1 per event and
 * status) to a table of moves, and health sums the counts and the moves. Appending takes no lock
 * that another writer waits for. Counter rows that the writers updated stayed locked from each
 * status change to its COMMIT, so concurrent workers queued behind each other's commits, and a
 * statement of many rows (a replay, a retention delete) had to lock them in one order not to
 * deadlock; updating them also cost PostgreSQL about twice the CPU per status change.
 *
 * One writer at a time folds the committed moves into the counts (see foldEvery), in its own
 * statement's transaction: one that would have to wait for that right does not fold, nor does a
 * transaction in a stricter isolation, where deleting moves that a concurrent fold deleted would
 * fail it. The counts keep the earlier version's key (status, shard), one row per status: shard 0.
 */
export function healthCountersStatement(tables: HealthTables, embedded = false): string {
  const counts = countsTable(tables);
  const moves = movesTable(tables);
  const fn = objectName(tables, 'count_statuses');
  const counted = countedStatuses.map((status) => `'${status}'`).join(', ');
  const folds = foldSequence(tables);
  const append = (rows: string) => `INSERT INTO ${moves} (status, n) ${rows}; fold := nextval('${folds}') % ${foldEvery} = 0`;
  const added = `SELECT status, 1 FROM new_rows WHERE status IN (${counted})`;
  const removed = `SELECT status, -1 FROM old_rows WHERE status IN (${counted})`;
  // PGlite runs no autovacuum: deleted moves would keep their space for ever, and health and each
  // fold would scan all of it. It also has one session, so no reader can see the moves table
  // emptied under it, and the fold empties it with TRUNCATE, which gives the space back at once.
  const foldByDelete = `WITH folded AS (DELETE FROM ${moves} RETURNING status, n)
      UPDATE ${counts} c SET n = c.n + f.n FROM (SELECT status, sum(n) AS n FROM folded GROUP BY status) f WHERE c.status = f.status AND c.shard = 0`;
  const foldByTruncate = `UPDATE ${counts} c SET n = c.n + f.n FROM (SELECT status, sum(n) AS n FROM ${moves} GROUP BY status) f WHERE c.status = f.status AND c.shard = 0;
      TRUNCATE ${moves}`;
  // The right to fold is an advisory lock of its own: the one above serializes the creation.
  const foldLock = `pg_try_advisory_xact_lock(1398229811, hashtext('${tables.events}'))`;
  const triggers = Object.entries({ insert: 'NEW TABLE AS new_rows', update: 'OLD TABLE AS old_rows NEW TABLE AS new_rows', delete: 'OLD TABLE AS old_rows', truncate: '' })
    .map(([event, rows]) => {
      const trigger = `"${localName(tables, `counts_${event}`)}"`;
      const referencing = rows ? ` REFERENCING ${rows}` : '';
      return `DROP TRIGGER IF EXISTS ${trigger} ON ${tables.events};
      CREATE TRIGGER ${trigger} AFTER ${event.toUpperCase()} ON ${tables.events}${referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();`;
    })
    .join('\n      ');
  // Missing when the counters or the log (dropped and created again) are new, or the log's
  // triggers are an earlier version's (no table of moves): all are checked. The triggers keep
  // their names, so that a process of an earlier version starting during a rolling upgrade finds
  // them and leaves them be.
  const updateTrigger = `SELECT 1 FROM pg_trigger WHERE tgrelid = '${tables.events}'::regclass AND tgname = '${localName(tables, 'counts_update')}'`;
  const missing = `to_regclass('${counts}') IS NULL OR to_regclass('${moves}') IS NULL OR to_regclass('${folds}') IS NULL OR NOT EXISTS (${updateTrigger})`;
  return `IF ${missing} THEN
    PERFORM pg_advisory_xact_lock(1398229810, hashtext('${tables.events}'));
    IF ${missing} THEN
      LOCK TABLE ${tables.events} IN SHARE ROW EXCLUSIVE MODE;
      CREATE TABLE IF NOT EXISTS ${counts} (status text NOT NULL, shard integer NOT NULL, n bigint NOT NULL, PRIMARY KEY (status, shard));
      CREATE TABLE IF NOT EXISTS ${moves} (status text NOT NULL, n integer NOT NULL);
      CREATE SEQUENCE IF NOT EXISTS ${folds};
      DELETE FROM ${counts};
      DELETE FROM ${moves};
      INSERT INTO ${counts} (status, shard, n)
        SELECT s.status, 0, (SELECT count(*) FROM ${tables.events} e WHERE e.status = s.status) FROM unnest(ARRAY[${counted}]) AS s (status);
      CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $swk_counts$
  DECLARE fold boolean;
  BEGIN
    IF TG_OP = 'INSERT' THEN ${append(added)};
    ELSIF TG_OP = 'UPDATE' THEN ${append(`${added} UNION ALL ${removed}`)};
    ELSIF TG_OP = 'DELETE' THEN ${append(removed)};
    ELSE
      DELETE FROM ${moves};
      UPDATE ${counts} SET n = 0 WHERE n <> 0;
    END IF;
    IF fold AND current_setting('transaction_isolation') = 'read committed' AND ${foldLock} THEN
      ${embedded ? foldByTruncate : foldByDelete};
    END IF;
    RETURN NULL;
  END
  $swk_counts$;
      ${triggers}
    END IF;
  END IF`;
}

export function healthStatement(tables: HealthTables): string {
  const { events } = tables;
  const sum = (status: string) => `COALESCE(sum(n) FILTER (WHERE status = '${status}'), 0)::int AS ${status}`;
  return `SELECT ${countedStatuses.map(sum).join(', ')},
  (SELECT floor(extract(epoch FROM min(received_at)) * 1000) FROM ${events} WHERE status = 'queued')::float8 AS oldest_queued_at,
  (SELECT floor(extract(epoch FROM max(updated_at)) * 1000) FROM ${events} WHERE status = 'done')::float8 AS last_done_at,
  floor(extract(epoch FROM statement_timestamp()) * 1000)::float8 AS now
FROM (SELECT status, n FROM ${countsTable(tables)} UNION ALL SELECT status, n FROM ${movesTable(tables)}) c`;
}

interface HealthRow {
  queued: number;
  processing: number;
  failed: number;
  dead: number;
  oldest_queued_at: number | null;
  last_done_at: number | null;
  now: number;
}

/** `inbox.health()` on pg-boss: `query` runs a statement on the event log's database. */
export async function pgBossHealth(tables: HealthTables, options: InboxHealthOptions | undefined, query: (text: string) => Promise<unknown[]>): Promise<InboxHealth> {
  const resolved = resolveHealthOptions(options);
  const [row] = (await query(healthStatement(tables))) as HealthRow[];
  const at = (value: number | null | undefined) => (value === null || value === undefined ? undefined : Number(value));
  const reading = {
    queued: Number(row?.queued ?? 0),
    processing: Number(row?.processing ?? 0),
    failed: Number(row?.failed ?? 0),
    dead: Number(row?.dead ?? 0),
    oldestQueuedAt: at(row?.oldest_queued_at),
    lastDoneAt: at(row?.last_done_at),
    now: Number(row?.now ?? Date.now()),
  };
  return judgeHealth(reading, resolved);
}
