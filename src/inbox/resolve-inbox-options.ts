import { defaults } from '../options.js';
import { InboxError } from './inbox-error.js';
import type { InboxOptions } from './types.js';

export interface ResolvedInboxOptions {
  queue: string;
  retry: { limit: number; delaySeconds: number; backoff: boolean };
  ordering: 'none' | 'per-object';
  leaseMs: number;
}

/** Checks the options both engines share, once, when the inbox is made. */
export function resolveInboxOptions(maker: string, options: InboxOptions): ResolvedInboxOptions {
  const queue = options.queue ?? 'stripe-events';
  if (typeof queue !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(queue)) {
    throw invalid(maker, `queue must be 1 to 100 letters, digits, "_", "-" or "." (got ${JSON.stringify(queue)})`);
  }
  const limit = options.retry?.limit ?? 8;
  const delaySeconds = options.retry?.delaySeconds ?? 10;
  if (!Number.isInteger(limit) || limit < 0) throw invalid(maker, 'retry.limit must be a whole number of retries (0 or more)');
  if (!(delaySeconds >= 0)) throw invalid(maker, 'retry.delaySeconds must be 0 or more');
  const ordering = options.ordering ?? 'none';
  if (ordering !== 'none' && ordering !== 'per-object') throw invalid(maker, `ordering must be 'none' or 'per-object'`);
  const leaseMs = options.leaseMs ?? defaults.leaseMs;
  if (!Number.isInteger(leaseMs) || leaseMs < 1000) throw invalid(maker, 'leaseMs must be a whole number of milliseconds, at least 1000');
  return { queue, retry: { limit, delaySeconds, backoff: options.retry?.backoff ?? true }, ordering, leaseMs };
}

function invalid(maker: string, message: string): InboxError {
  return new InboxError('invalid_options', `${maker}: ${message}.`);
}
