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
    ['72', /^catchUp: `since` must be a Date, Unix seconds, a duration .* or an ISO date .*; got "72"\.$/],
    ['3 days', /; got "3 days"\.$/],
    ['yesterday', /; got "yesterday"\.$/],
    [-5, /must be a Date, Unix seconds.*; got -5\.$/],
    [Number.NaN, /must be a Date, Unix seconds.*; got NaN\.$/],
    [now, /must be Unix seconds, not milliseconds: Math\.floor\(ms \/ 1000\), or a Date; got \d+\.$/],
    [new Date('nope'), /; got an invalid Date\.$/],
  ])('refuses %j, saying what it accepts', (since, message) => {
    expect(() => parseSince(since, now)).toThrow(message);
    try {
      parseSince(since, now);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('invalid_since');
    }
  });
});
