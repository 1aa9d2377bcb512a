import { describe, expect, it } from 'vitest';
import { parseSince } from '../../src/catch-up/parse-since.js';

const now = Date.UTC(2026, 10, 29, 12, 0, 0);
const nowSeconds = now / 1000;

describe('parseSince', () => {
  it.each([
    ['90m', nowSeconds - 90 * 60],
    ['72h', nowSeconds - 72 * 3600],
    ['7d', nowSeconds - 7 * 86_400],
    ['2w', nowSeconds - 14 * 86_400],
    [' 3D ', nowSeconds - 3 * 86_400],
    ['2026-11-01T00:00:00Z', Date.UTC(2026, 10, 1) / 1000],
    [1_790_000_000, 1_790_000_000],
    [1_790_000_000.7, 1_790_000_000],
  ])('reads %j', (since, seconds) => {
    expect(parseSince(since, now)).toBe(seconds);
  });

  it('reads a Date', () => {
    expect(parseSince(new Date(now - 1500), now)).toBe(nowSeconds - 2);
  });

  it.each([
    ['72', /neither a duration .* nor an ISO date/],
    ['3 days', /neither a duration/],
    ['yesterday', /neither a duration/],
    [-5, /must be Unix seconds/],
    [Number.NaN, /must be Unix seconds/],
    [now, /looks like milliseconds .* Math\.floor\(ms \/ 1000\)/],
    [new Date('nope'), /invalid Date/],
  ])('refuses %j, saying what it accepts', (since, message) => {
    expect(() => parseSince(since, now)).toThrow(message);
    try {
      parseSince(since, now);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('invalid_since');
    }
  });
});
