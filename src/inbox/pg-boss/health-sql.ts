import { judgeHealth, resolveHealthOptions, type InboxHealth, type InboxHealthOptions } from '../inbox-health.js';

/*
 * What `inbox.health()` reads on PostgreSQL, as index look-ups at any size of the log: each count
 * is a range of the status index (the few events not done, never the done ones), the oldest queued
 * event is the first entry of that index's `queued` range, and the last done event the last entry
 * of the `(status, updated_at)` index's `done` range.
 */

/** The event log's quoted table and its name as given (see event-log-sql.ts). */
interface HealthTables {
  events: string;
  name: string;
}

/** The index behind `lastDoneAt`: created with the log, and once for a log made before it. */
export function healthIndexStatement(tables: HealthTables): string {
  const name = `${tables.name.split('.').pop()!.slice(0, 40)}_status_updated_idx`;
  const schema = tables.events.includes('.') ? `${tables.events.split('.')[0]}.` : '';
  return `IF to_regclass('${schema}"${name}"') IS NULL THEN
    PERFORM pg_advisory_xact_lock(1398229810, hashtext('${tables.events}'));
    CREATE INDEX IF NOT EXISTS "${name}" ON ${tables.events} (status, updated_at);
  END IF`;
}

export function healthStatement(tables: HealthTables): string {
  const { events } = tables;
  const count = (status: string) => `(SELECT count(*) FROM ${events} WHERE status = '${status}')::int AS ${status}`;
  return `SELECT ${count('queued')}, ${count('processing')}, ${count('failed')}, ${count('dead')},
  (SELECT floor(extract(epoch FROM min(received_at)) * 1000) FROM ${events} WHERE status = 'queued')::float8 AS oldest_queued_at,
  (SELECT floor(extract(epoch FROM max(updated_at)) * 1000) FROM ${events} WHERE status = 'done')::float8 AS last_done_at,
  floor(extract(epoch FROM statement_timestamp()) * 1000)::float8 AS now`;
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
