import { InboxError } from './inbox-error.js';
import { inboxStatuses, type InboxListFilter, type InboxSettlement, type InboxStatus } from './types.js';
import { describeError } from '../handler/describe-error.js';

/** A list filter checked once and shared by both engines. */
export interface ResolvedFilter {
  statuses: InboxStatus[] | undefined;
  type: string | undefined;
  objectId: string | undefined;
  since: Date | undefined;
  until: Date | undefined;
  limit: number;
  /** The engine's position after the previous page (a sequence number). */
  after: number | undefined;
}

const defaultLimit = 50;
const maxLimit = 1000;

export function resolveFilter(filter: InboxListFilter = {}): ResolvedFilter {
  const statuses = filter.status === undefined ? undefined : typeof filter.status === 'string' ? [filter.status] : [...filter.status];
  for (const status of statuses ?? []) {
    if (!inboxStatuses.includes(status)) throw invalid(`unknown status ${JSON.stringify(status)}; use one of ${inboxStatuses.join(', ')}`);
  }
  const limit = filter.limit ?? defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw invalid(`limit must be an integer from 1 to ${maxLimit}`);
  let after: number | undefined;
  if (filter.cursor !== undefined) {
    after = Number(filter.cursor);
    if (!Number.isSafeInteger(after) || after < 0) throw invalid('cursor must be the `nextCursor` of a previous page');
  }
  return { statuses, type: filter.type, objectId: filter.objectId, since: toDate(filter.since, 'since'), until: toDate(filter.until, 'until'), limit, after };
}

function toDate(value: Date | number | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(`${name} must be a Date or epoch milliseconds`);
  return date;
}

function invalid(message: string): InboxError {
  return new InboxError('invalid_options', `inbox.list: ${message}.`);
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
