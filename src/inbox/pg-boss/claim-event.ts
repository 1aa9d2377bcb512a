import type { InboxClaim } from '../engine.js';
import type { ResolvedInboxOptions } from '../resolve-inbox-options.js';
import { claimed, type ClaimedRow, type ClaimRow } from './event-log-rows.js';
import type { eventLogStatements } from './event-log-sql.js';
import type { SqlClient, SqlDatabase } from './sql-client.js';

/**
 * Takes the event for one attempt under `token` when nothing else holds it (the worker's claim for
 * a job fetched without it), or says why not.
 */
export async function claimEvent(
  db: SqlDatabase,
  sql: ReturnType<typeof eventLogStatements>,
  { ordering, leaseMs }: Pick<ResolvedInboxOptions, 'ordering' | 'leaseMs'>,
  eventId: string,
  token: string,
): Promise<InboxClaim> {
  const rows = async <T>(text: string, params: unknown[], client: SqlClient): Promise<T[]> => (await client.query(text, params)).rows as T[];
  if (ordering === 'none') {
    // One round trip in the common case, instead of a checked-out connection and four.
    const [row] = await rows<ClaimedRow>(sql.claimFree, [eventId, token, leaseMs], db);
    if (row) return claimed(row, false, row.started_at);
    const [found] = await rows<ClaimRow>(sql.readEvent, [eventId], db);
    if (!found) return { state: 'missing' };
    if (found.status === 'done' || found.status === 'discarded' || found.status === 'dead') return { state: 'settled' };
    // Held by a worker, or freed between the two statements: either way, try again shortly.
    return { state: 'busy', retryInMs: found.status === 'processing' && found.leased === true ? (found.lease_left_ms ?? 0) + 100 : 100 };
  }
  return db.transaction(async (tx) => {
    const [row] = await rows<ClaimRow>(sql.lockEvent, [eventId], tx);
    if (!row) return { state: 'missing' };
    if (row.status === 'done' || row.status === 'discarded' || row.status === 'dead') return { state: 'settled' };
    if (row.status === 'processing' && row.leased === true) return { state: 'busy', retryInMs: (row.lease_left_ms ?? 0) + 100 };
    let stale = false;
    if (ordering === 'per-object' && row.object_id !== null) {
      const [object] = await rows<{ done_created: string }>(sql.lockObject, [row.object_id, eventId, leaseMs, row.created], tx);
      if (!object) return { state: 'busy', retryInMs: 200 + Math.floor(Math.random() * 300) };
      stale = Number(row.created) < Number(object.done_created);
    }
    const [started] = await rows<{ started_at: Date | string }>(sql.claim, [eventId, token, leaseMs], tx);
    return claimed(row, stale, started?.started_at);
  });
}
