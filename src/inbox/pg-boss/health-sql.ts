import { parseTableName } from '../../stores/postgres/table-name.js';
import { judgeHealth, resolveHealthOptions, type InboxHealth, type InboxHealthOptions } from '../inbox-health.js';

/*
 * What `inbox.health()` reads on PostgreSQL, at the same cost at any size of the log: the counts
 * come from a small table of counters that triggers on the event log keep exact, the oldest queued
 * event is the first entry of the status index's `queued` range, and the last done event the last
 * entry of the `(status, updated_at)` index's `done` range. Counting index ranges instead grows
 * with the events not done: a 100,000-event backlog during an outage, exactly when a probe must
 * answer fast.
 */

/** The event log's quoted table and its name as given (see event-log-sql.ts). */
interface HealthTables {
  events: string;
  name: string;
}

/** The statuses health reports; done and discarded events are never counted, so purging them is free. */
const countedStatuses = ['queued', 'processing', 'failed', 'dead'];

/**
 * Each status has this many counter rows, an event's row chosen by a hash of its id: concurrent
 * workers then rarely wait on one row lock, which a single row per status would make them do from
 * their status change to their COMMIT (ingress transactions included). Health sums them.
 */
export const counterShards = 16;

/** The name of an index, function or trigger of the log, without its schema. */
function localName(tables: HealthTables, suffix: string): string {
  return `${tables.name.split('.').pop()!.slice(0, 40)}_${suffix}`;
}

/** The same, in the log's schema. */
function objectName(tables: HealthTables, suffix: string): string {
  const schema = tables.events.includes('.') ? `${tables.events.split('.')[0]}.` : '';
  return `${schema}"${localName(tables, suffix)}"`;
}

function countsTable(tables: HealthTables): string {
  return parseTableName(`${tables.name}_counts`).quoted;
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
 * between the trigger's creation and that count, so no event is counted twice or missed.
 * `shards` exists for the bench, which measures what they save.
 */
export function healthCountersStatement(tables: HealthTables, shards = counterShards): string {
  const counts = countsTable(tables);
  const fn = objectName(tables, 'count_statuses');
  const counted = countedStatuses.map((status) => `'${status}'`).join(', ');
  // One statement's moves summed by counter, applied in one order (status, shard): statements that
  // touch the same counters then lock them in the same order and cannot deadlock on them, and a
  // statement of many rows (a replay, a retention delete) writes each counter once.
  const apply = (moves: string) => `FOR moved IN SELECT status, hashtext(event_id) & ${shards - 1} AS shard, sum(delta) AS delta FROM (${moves}) m
      WHERE status IN (${counted}) GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2 LOOP
      UPDATE ${counts} SET n = n + moved.delta WHERE status = moved.status AND shard = moved.shard;
    END LOOP`;
  const added = 'SELECT status, event_id, 1 AS delta FROM new_rows';
  const removed = 'SELECT status, event_id, -1 AS delta FROM old_rows';
  const triggers = Object.entries({ insert: 'NEW TABLE AS new_rows', update: 'OLD TABLE AS old_rows NEW TABLE AS new_rows', delete: 'OLD TABLE AS old_rows', truncate: '' })
    .map(([event, rows]) => {
      const trigger = `"${localName(tables, `counts_${event}`)}"`;
      const referencing = rows ? ` REFERENCING ${rows}` : '';
      return `DROP TRIGGER IF EXISTS ${trigger} ON ${tables.events};
      CREATE TRIGGER ${trigger} AFTER ${event.toUpperCase()} ON ${tables.events}${referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();`;
    })
    .join('\n      ');
  // Missing when the counters or the log (dropped and created again) are new: both are checked.
  const missing = `to_regclass('${counts}') IS NULL OR NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '${tables.events}'::regclass AND tgname = '${localName(tables, 'counts_update')}')`;
  return `IF ${missing} THEN
    PERFORM pg_advisory_xact_lock(1398229810, hashtext('${tables.events}'));
    IF ${missing} THEN
      LOCK TABLE ${tables.events} IN SHARE ROW EXCLUSIVE MODE;
      CREATE TABLE IF NOT EXISTS ${counts} (status text NOT NULL, shard integer NOT NULL, n bigint NOT NULL, PRIMARY KEY (status, shard));
      CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $swk_counts$
  DECLARE moved record;
  BEGIN
    IF TG_OP = 'INSERT' THEN ${apply(added)};
    ELSIF TG_OP = 'UPDATE' THEN ${apply(`${added} UNION ALL ${removed}`)};
    ELSIF TG_OP = 'DELETE' THEN ${apply(removed)};
    ELSE UPDATE ${counts} SET n = 0 WHERE n <> 0;
    END IF;
    RETURN NULL;
  END
  $swk_counts$;
      ${triggers}
      DELETE FROM ${counts};
      INSERT INTO ${counts} (status, shard, n)
        SELECT s.status, g.shard, COALESCE(c.n, 0) FROM unnest(ARRAY[${counted}]) AS s (status) CROSS JOIN generate_series(0, ${shards - 1}) AS g (shard)
        LEFT JOIN (SELECT status, hashtext(event_id) & ${shards - 1} AS shard, count(*) AS n FROM ${tables.events} WHERE status IN (${counted}) GROUP BY 1, 2) c
          ON c.status = s.status AND c.shard = g.shard;
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
FROM ${countsTable(tables)}`;
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
