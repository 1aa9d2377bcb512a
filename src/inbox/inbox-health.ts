import { defaults, optionMessage } from '../options.js';
import { InboxError } from './inbox-error.js';

/** What `inbox.health()` judges against. */
export interface InboxHealthOptions {
  /** The oldest queued event may wait this long before it is a problem. Default 300,000 (5 minutes). */
  maxLagMs?: number;
  /** This many dead events are tolerated. Default 0. */
  maxDead?: number;
}

/** Why an inbox is unhealthy: switch on `code`; `message` says what to look at. */
export interface InboxHealthProblem {
  /**
   * - `lagging`: the oldest queued event has waited longer than `maxLagMs`;
   * - `stalled`: events wait and no event was done for longer than `maxLagMs` (no worker runs?);
   * - `dead_events`: more dead events than `maxDead`;
   * - `inbox_unavailable`: the inbox's storage could not be read (health handlers only).
   */
  code: 'lagging' | 'stalled' | 'dead_events' | 'inbox_unavailable';
  message: string;
}

/** The inbox's health, as `inbox.health()` resolves it and the health handler answers it (JSON). */
export interface InboxHealth {
  /** True when `problems` is empty. */
  ok: boolean;
  queued: number;
  processing: number;
  failed: number;
  /** Dead events: a replay re-queues them, so this counts those dead since the last replay. */
  dead: number;
  /** How long ago the oldest queued event was received; `null` when none is queued. */
  oldestQueuedAgeMs: number | null;
  /** When an event was last done (ISO 8601); `null` when none is in the log. */
  lastDoneAt: string | null;
  problems: InboxHealthProblem[];
}

/** What an engine reads from its indexes and counters; times are its server's, so clocks agree. */
export interface InboxHealthReading {
  queued: number;
  processing: number;
  failed: number;
  dead: number;
  /** Epoch ms, or undefined. */
  oldestQueuedAt: number | undefined;
  lastDoneAt: number | undefined;
  now: number;
}

/** Checks the options once, with their defaults. */
export function resolveHealthOptions(options: InboxHealthOptions = {}): Required<InboxHealthOptions> {
  const maxLagMs = options.maxLagMs ?? defaults.maxLagMs;
  const maxDead = options.maxDead ?? 0;
  if (!(Number.isFinite(maxLagMs) && maxLagMs >= 0)) throw new InboxError('invalid_options', optionMessage('inbox.health', 'maxLagMs', '0 or more milliseconds', maxLagMs));
  if (!(Number.isInteger(maxDead) && maxDead >= 0)) throw new InboxError('invalid_options', optionMessage('inbox.health', 'maxDead', 'a whole number, 0 or more', maxDead));
  return { maxLagMs, maxDead };
}

/**
 * Judges a reading. `stalled` is the rule for "nothing done for a long time while events wait":
 * the oldest queued event is older than `maxLagMs` and no event was done within the last
 * `maxLagMs` either. A slow worker still finishes events (only `lagging`); a missing one does not.
 */
export function judgeHealth(reading: InboxHealthReading, options: InboxHealthOptions = {}): InboxHealth {
  const { maxLagMs, maxDead } = resolveHealthOptions(options);
  const { queued, processing, failed, dead, now } = reading;
  const oldestQueuedAgeMs = reading.oldestQueuedAt === undefined ? null : Math.max(0, now - reading.oldestQueuedAt);
  const problems: InboxHealthProblem[] = [];
  if (oldestQueuedAgeMs !== null && oldestQueuedAgeMs > maxLagMs) {
    problems.push({ code: 'lagging', message: `the oldest of ${queued} queued events has waited ${seconds(oldestQueuedAgeMs)} (more than ${seconds(maxLagMs)}): add workers or concurrency, or look for slow handlers` });
    const idleMs = reading.lastDoneAt === undefined ? undefined : now - reading.lastDoneAt;
    if (idleMs === undefined || idleMs > maxLagMs) {
      const since = idleMs === undefined ? 'ever' : `in ${seconds(idleMs)}`;
      problems.push({ code: 'stalled', message: `events wait and none was done ${since}: check that a worker runs (startInboxWorker) and can reach the inbox` });
    }
  }
  if (dead > maxDead) {
    problems.push({ code: 'dead_events', message: `${dead} dead events (more than ${maxDead}): read their errors (inbox list --status dead), fix the cause, then replay them` });
  }
  const lastDoneAt = reading.lastDoneAt === undefined ? null : new Date(reading.lastDoneAt).toISOString();
  return { ok: problems.length === 0, queued, processing, failed, dead, oldestQueuedAgeMs, lastDoneAt, problems };
}

function seconds(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}
