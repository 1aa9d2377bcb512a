import { optionMessage } from '../options.js';
import { CatchUpError } from './catch-up-error.js';

/** A point in time: a `Date`, Unix seconds, an ISO 8601 date, or a duration back from now (`'72h'`). */
export type Since = Date | number | string;

const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Turns `since` into Unix seconds (what the Events API's `created` filter takes). A duration such
 * as `'90m'`, `'72h'`, `'7d'` or `'2w'` counts back from `now` (epoch ms). The CLI's `--since`
 * goes through the same function, so both accept the same values.
 */
export function parseSince(since: Since, now: number = Date.now()): number {
  if (since instanceof Date) {
    const ms = since.getTime();
    if (Number.isNaN(ms)) throw invalid(since);
    return Math.floor(ms / 1000);
  }
  if (typeof since === 'number') {
    if (!Number.isFinite(since) || since < 0) throw invalid(since);
    // Milliseconds are the usual mistake (Date.now()): they are 1000 times too large for seconds.
    if (since > 1e11) throw invalid(since, 'Unix seconds, not milliseconds: Math.floor(ms / 1000), or a Date');
    return Math.floor(since);
  }
  if (typeof since !== 'string') throw invalid(since);
  const duration = /^(\d+)\s*([smhdw])$/i.exec(since.trim());
  if (duration) {
    const seconds = Number(duration[1]) * (unitSeconds[(duration[2] as string).toLowerCase()] as number);
    return Math.floor(now / 1000) - seconds;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(since.trim())) {
    const ms = Date.parse(since);
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  throw invalid(since);
}

function invalid(given: unknown, requirement = 'a Date, Unix seconds, a duration back from now (90m, 72h, 7d, 2w) or an ISO date (2026-11-01T00:00:00Z)'): CatchUpError {
  return new CatchUpError('invalid_since', optionMessage('catchUp', 'since', requirement, given));
}
