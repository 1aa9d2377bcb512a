import { invalidCursor, type ResolvedFilter } from '../list-filter.js';

/** What `list()` and `get()` read of an event (without its payload). */
export const entryColumns = `event_id, type, status, object_id, order_ref, created, received_at, updated_at, jsonb_array_length(attempts) AS attempt_count, seq,
  (extract(epoch FROM received_at) * 1000000)::bigint::text AS received_us`;

/**
 * A list or selection query with only the conditions the filter has. Built rather than one
 * statement with `$n IS NULL OR ...` for every filter: then each condition is a plain index
 * condition whatever plan (generic or custom) the server picks, and a page stays an index scan.
 */
export function filterQuery(events: string, filter: ResolvedFilter, order: 'newest' | 'oldest', columns: string, limit: number): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const where: string[] = [];
  const statuses = filter.statuses;
  if (statuses?.length === 1) where.push(`status = ${bind(statuses[0])}`);
  else if (statuses) where.push(`status = ANY(${bind(statuses)}::text[])`);
  if (filter.type !== undefined) where.push(`type = ${bind(filter.type)}`);
  if (filter.objectId !== undefined) where.push(`object_id = ${bind(filter.objectId)}`);
  if (filter.orderId !== undefined) where.push(`order_ref = ${bind(filter.orderId)}`);
  if (filter.search !== undefined) {
    const term = bind(filter.search);
    where.push(`(event_id = ${term} OR object_id = ${term} OR order_ref = ${term})`);
  }
  if (filter.since) where.push(`received_at >= ${bind(filter.since)}`);
  if (filter.until) where.push(`received_at < ${bind(filter.until)}`);
  if (filter.cursor !== undefined) {
    const { receivedUs, seq } = parseCursor(filter.cursor);
    // Exact to the microsecond: the interval is parsed from text, never through a float.
    where.push(`(received_at, seq) < (timestamptz 'epoch' + (${bind(receivedUs)} || ' microseconds')::interval, ${bind(seq)}::bigint)`);
  }
  const direction = order === 'newest' ? 'DESC' : 'ASC';
  return {
    text: `SELECT ${columns} FROM ${events}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}
ORDER BY received_at ${direction}, seq ${direction} LIMIT ${bind(limit)}`,
    params,
  };
}

/** The cursor after a page: where its last row stands in the list's order. */
export function cursorAfter(row: { received_us: string; seq: string | number }): string {
  return `${row.received_us}.${row.seq}`;
}

function parseCursor(cursor: string): { receivedUs: string; seq: string } {
  const [receivedUs, seq] = cursor.split('.');
  if (receivedUs === undefined || seq === undefined) throw invalidCursor();
  return { receivedUs, seq };
}
