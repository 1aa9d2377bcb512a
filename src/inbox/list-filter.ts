import { defaults, optionMessage } from '../options.js';
import { InboxError } from './inbox-error.js';
import type { InboxSettlement } from './engine.js';
import { inboxStatuses, type InboxListFilter, type InboxStatus, type InboxTimelineOptions } from './types.js';
import { describeError } from '../describe-error.js';
import { findOrderReference } from '../router/order-reference.js';

/** A list filter checked once and shared by both engines. */
export interface ResolvedFilter {
  statuses: InboxStatus[] | undefined;
  type: string | undefined;
  objectId: string | undefined;
  orderId: string | undefined;
  /** Equal to the event id, the object id or the order reference. */
  search: string | undefined;
  since: Date | undefined;
  until: Date | undefined;
  limit: number;
  /** The previous page's `nextCursor`, in the engine's own form (each engine checks it). */
  cursor: string | undefined;
}

const maxLimit = 1000;

export function resolveFilter(filter: InboxListFilter = {}): ResolvedFilter {
  const statuses = filter.status === undefined ? undefined : typeof filter.status === 'string' ? [filter.status] : [...filter.status];
  for (const status of statuses ?? []) {
    if (!inboxStatuses.includes(status)) throw invalid('inbox.list', 'status', `one of ${inboxStatuses.join(', ')}`, status);
  }
  const limit = filter.limit ?? defaults.listLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw invalid('inbox.list', 'limit', `an integer from 1 to ${maxLimit}`, limit);
  if (filter.cursor !== undefined && (typeof filter.cursor !== 'string' || !/^[0-9]+(\.[0-9]+)?$/.test(filter.cursor))) throw invalidCursor();
  const text = (value: string | undefined, name: string) => {
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw invalid('inbox.list', name, 'a non-empty string', value);
    return value;
  };
  return {
    statuses,
    type: text(filter.type, 'type'),
    objectId: text(filter.objectId, 'objectId'),
    orderId: text(filter.orderId, 'orderId'),
    // Pasted terms often carry a stray space or newline; ids never do.
    search: text(filter.search?.trim(), 'search'),
    since: toDate(filter.since, 'since'),
    until: toDate(filter.until, 'until'),
    limit,
    cursor: filter.cursor,
  };
}

/** A cursor that no page of this engine could have given. */
export function invalidCursor(): InboxError {
  return invalid('inbox.list', 'cursor', 'the `nextCursor` of a previous page');
}

/** The most buckets one `timeline()` answers: a year of hours, a week of minutes. */
const maxBuckets = 10_080;

/** `timeline()`'s options checked once for both engines: bucket starts in epoch ms. */
export function resolveTimeline(options: InboxTimelineOptions, now = Date.now()): { since: number; until: number; bucketMs: number; buckets: number } {
  const entry = 'inbox.timeline';
  const since = toDate(options?.since, 'since', entry)?.getTime();
  const until = toDate(options.until, 'until', entry)?.getTime() ?? now;
  const { bucketMs } = options;
  if (since === undefined) throw invalid(entry, 'since', 'a Date or epoch milliseconds', since);
  if (!Number.isInteger(bucketMs) || bucketMs < 60_000) throw invalid(entry, 'bucketMs', 'an integer of at least 60000 (one minute)', bucketMs);
  if (until <= since) throw invalid(entry, 'until', 'after `since`', new Date(until));
  const buckets = Math.ceil((until - since) / bucketMs);
  if (buckets > maxBuckets) throw invalid(entry, 'bucketMs', `wide enough for at most ${maxBuckets} buckets over the range (a shorter range works too); ${buckets} buckets would be needed`, bucketMs);
  return { since, until, bucketMs, buckets };
}

/** Every bucket from `since`, zeros included, with the counts an engine found (by bucket index). */
export function fillTimeline(range: ReturnType<typeof resolveTimeline>, counts: ReadonlyMap<number, { received: number; failed: number }>) {
  return Array.from({ length: range.buckets }, (_, index) => ({
    start: new Date(range.since + index * range.bucketMs).toISOString(),
    received: counts.get(index)?.received ?? 0,
    failed: counts.get(index)?.failed ?? 0,
  }));
}

function toDate(value: Date | number | undefined, name: string, entry = 'inbox.list'): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(entry, name, 'a Date or epoch milliseconds', value);
  return date;
}

function invalid(entry: string, option: string, requirement: string, ...given: [unknown?]): InboxError {
  return new InboxError('invalid_options', optionMessage(entry, option, requirement, ...given));
}

const maxStackLength = 4000;

/** What an attempt's record gains when it ends: its duration and, on failure, the error and stack. */
export function attemptOutcome(settlement: InboxSettlement): { durationMs: number; error?: string; stack?: string } {
  if (settlement.error === undefined) return { durationMs: settlement.durationMs };
  // A handler may throw anything (a null-prototype object, a throwing getter): describe it safely,
  // or the worker's own bookkeeping would fail on it.
  const error = settlement.error;
  return { durationMs: settlement.durationMs, error: describeError(error), stack: readStack(error) };
}

function readStack(error: unknown): string | undefined {
  try {
    const stack = error instanceof Error ? error.stack : undefined;
    return typeof stack === 'string' ? stack.slice(0, maxStackLength) : undefined;
  } catch {
    return undefined;
  }
}

/** `data.object.id` of an event, the key of per-object ordering. */
export function objectIdOf(event: { data?: { object?: unknown } }): string | undefined {
  const id = (event.data?.object as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** The order reference the inbox indexes: `metadata.orderId`, else `client_reference_id`, of `data.object`. */
export function orderIdOf(event: { data?: { object?: unknown } }): string | undefined {
  return findOrderReference(event.data?.object);
}
