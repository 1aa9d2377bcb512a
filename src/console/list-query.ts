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

export function readListQuery(params: URLSearchParams): ListQuery {
  const status = params.get('status') ?? '';
  return {
    status: (inboxStatuses as readonly string[]).includes(status) ? (status as InboxStatus) : '',
    type: (params.get('type') ?? '').trim(),
    search: (params.get('q') ?? '').trim(),
    since: validTime(params.get('since')),
    until: validTime(params.get('until')),
    cursor: params.get('cursor') ?? '',
    limit: readLimit(params.get('limit')),
  };
}

function readLimit(value: string | null): number {
  const limit = Number(value ?? defaultPageSize);
  return Number.isInteger(limit) && limit >= 1 && limit <= 500 ? limit : defaultPageSize;
}

/** `2026-11-29T16:57` (a `datetime-local` value, UTC) to epoch ms. */
function parseTime(value: string): number | undefined {
  if (value === '') return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

function validTime(value: string | null): string {
  const trimmed = (value ?? '').trim();
  return parseTime(trimmed) === undefined ? '' : trimmed;
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
