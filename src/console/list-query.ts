// The list's filters as they travel in the URL (?status=dead&type=...&q=...&since=...&cursor=...),
// so that a filtered page can be bookmarked, shared with a colleague and paged without JavaScript.
import { inboxStatuses, type InboxListFilter, type InboxStatus } from '../inbox/types.js';

/** The filters as the form shows them back. */
export interface ListQuery {
  status: InboxStatus | '';
  type: string;
  search: string;
  /** `datetime-local` values, read as UTC. */
  since: string;
  until: string;
  cursor: string;
  /** Page size: 50 unless the URL says otherwise (1 to 500). */
  limit: number;
}

export const defaultPageSize = 50;

// Years 1 to 9999, what a `datetime-local` field holds: well inside PostgreSQL's timestamptz
// (4713 BC to 294276 AD) and JavaScript's Date, so no engine meets a date it cannot store.
const earliestTime = Date.parse('0001-01-01T00:00:00Z');
const latestTime = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const timeFormat = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)?(?:[zZ]|[+-]\d{2}:\d{2})?$/;

/** A filter the console cannot use, found before the inbox sees it: the page answers 400 and names `parameter`. */
export class ListQueryError extends Error {
  override readonly name = 'ListQueryError';
  readonly code = 'console_bad_filter';

  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`The filter "${parameter}" cannot be used: ${message}. Fix it in the address, or clear the filters.`);
  }
}

/** The list's filters from the URL; throws {@link ListQueryError} for a time or cursor no database could use. */
export function readListQuery(params: URLSearchParams): ListQuery {
  const status = params.get('status') ?? '';
  return {
    status: (inboxStatuses as readonly string[]).includes(status) ? (status as InboxStatus) : '',
    type: (params.get('type') ?? '').trim(),
    search: (params.get('q') ?? '').trim(),
    since: checkedTime(params.get('since'), 'since'),
    until: checkedTime(params.get('until'), 'until'),
    cursor: checkedCursor(params.get('cursor')),
    limit: readLimit(params.get('limit')),
  };
}

// Both engines' cursors are digits: pg-boss's "<received µs>.<seq>", BullMQ's "<seq>". Each part must
// fit PostgreSQL's bigint, and the time part the dates accepted below, or the query itself fails.
const maxBigint = 9_223_372_036_854_775_807n;
function checkedCursor(value: string | null): string {
  const cursor = (value ?? '').trim();
  if (cursor === '') return '';
  const parts = /^(\d{1,19})(?:\.(\d{1,19}))?$/.exec(cursor);
  if (!parts || parts.slice(1).some((part) => part !== undefined && BigInt(part) > maxBigint)) {
    throw new ListQueryError('cursor', 'it must be the "Older" link of a previous page');
  }
  if (parts[2] !== undefined && BigInt(parts[1] as string) >= BigInt(latestTime + 1) * 1000n) throw new ListQueryError('cursor', 'its time is past the year 9999');
  return cursor;
}

function readLimit(value: string | null): number {
  const limit = Number(value ?? defaultPageSize);
  return Number.isInteger(limit) && limit >= 1 && limit <= 500 ? limit : defaultPageSize;
}

/** `2026-11-29T16:57` (a `datetime-local` value, UTC) to epoch ms. */
function parseTime(value: string): number | undefined {
  if (value === '' || !timeFormat.test(value)) return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(ms) || ms < earliestTime || ms > latestTime ? undefined : ms;
}

function checkedTime(value: string | null, parameter: 'since' | 'until'): string {
  const trimmed = (value ?? '').trim();
  if (trimmed !== '' && parseTime(trimmed) === undefined) {
    throw new ListQueryError(parameter, 'it must be a date and time from the year 0001 to 9999, such as 2026-11-29T16:57 (UTC)');
  }
  return trimmed;
}

export function toListFilter(query: ListQuery): InboxListFilter {
  return {
    limit: query.limit,
    ...(query.status ? { status: query.status } : {}),
    ...(query.type ? { type: query.type } : {}),
    ...(query.search ? { search: query.search } : {}),
    ...(query.since ? { since: parseTime(query.since) } : {}),
    ...(query.until ? { until: parseTime(query.until) } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
  };
}

/** The query string of `query` with `changes` applied (empty values left out). */
export function listHref(base: string, query: ListQuery, changes: Partial<ListQuery> = {}): string {
  const merged = { ...query, ...changes };
  const params = new URLSearchParams();
  if (merged.status) params.set('status', merged.status);
  if (merged.type) params.set('type', merged.type);
  if (merged.search) params.set('q', merged.search);
  if (merged.since) params.set('since', merged.since);
  if (merged.until) params.set('until', merged.until);
  if (merged.cursor) params.set('cursor', merged.cursor);
  if (merged.limit !== defaultPageSize) params.set('limit', String(merged.limit));
  const text = params.toString();
  return `${base}/${text ? `?${text}` : ''}`;
}
