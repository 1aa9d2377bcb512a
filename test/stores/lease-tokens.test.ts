// The lease tokens a durable store instance remembers so that `release` gives up only its own lease.
import { describe, expect, it } from 'vitest';
import { createLeaseTokens } from '../../src/stores/lease-tokens.js';

describe('createLeaseTokens', () => {
  it('hands out distinct tokens and gives each remembered one back once', () => {
    const tokens = createLeaseTokens();
    const first = tokens.create();
    expect(tokens.create()).not.toBe(first);
    tokens.remember('evt_1', first);
    expect(tokens.take('evt_1')).toBe(first);
    expect(tokens.take('evt_1')).toBeUndefined();
  });

  it('past 10,000 claims forgets the oldest 1/64 at once and keeps the newest', () => {
    const tokens = createLeaseTokens();
    for (let i = 0; i <= 10_000; i++) tokens.remember(`evt_${i}`, `token_${i}`);
    // 10,001 remembered: the oldest 10,001 - 10,000 + 156 - 1 = 156 are forgotten.
    expect(tokens.take('evt_0')).toBeUndefined();
    expect(tokens.take('evt_155')).toBeUndefined();
    expect(tokens.take('evt_156')).toBe('token_156');
    expect(tokens.take('evt_10000')).toBe('token_10000');
  });
});
