import { defaults, optionMessage } from '../options.js';
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
  const queue = options.queue ?? defaults.queue;
  if (typeof queue !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(queue)) throw invalid(maker, 'queue', '1 to 100 letters, digits, "_", "-" or "."', queue);
  const limit = options.retry?.limit ?? defaults.retryLimit;
  const delaySeconds = options.retry?.delaySeconds ?? defaults.retryDelaySeconds;
  if (!Number.isInteger(limit) || limit < 0) throw invalid(maker, 'retry.limit', 'a whole number of retries (0 or more)', limit);
  if (typeof delaySeconds !== 'number' || !(delaySeconds >= 0)) throw invalid(maker, 'retry.delaySeconds', '0 or more seconds', delaySeconds);
  const ordering = options.ordering ?? 'none';
  if (ordering !== 'none' && ordering !== 'per-object') throw invalid(maker, 'ordering', "'none' or 'per-object'", ordering);
  const leaseMs = options.leaseMs ?? defaults.leaseMs;
  if (!Number.isInteger(leaseMs) || leaseMs < 1000) throw invalid(maker, 'leaseMs', 'a whole number of milliseconds, at least 1000', leaseMs);
  return { queue, retry: { limit, delaySeconds, backoff: options.retry?.backoff ?? true }, ordering, leaseMs };
}

function invalid(maker: string, option: string, requirement: string, given: unknown): InboxError {
  return new InboxError('invalid_options', optionMessage(maker, option, requirement, given));
}
