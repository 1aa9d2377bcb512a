import { describe, expect, it } from 'vitest';
import { defaults, invalidOption, positiveMs, wholeNumber } from '../src/options.js';
import { memoryStore } from '../src/stores/memory-store.js';

describe('the options policy', () => {
  it('names the function, the option, the requirement and what was given', () => {
    const error = invalidOption('range', 'memoryStore', 'maxEntries', 'a positive integer', 0);
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('memoryStore: `maxEntries` must be a positive integer; got 0.');
    expect(invalidOption('type', 'redisStore', 'prefix', 'a string', { a: 1 })).toBeInstanceOf(TypeError);
    expect(invalidOption('type', 'redisStore', 'prefix', 'a string', { a: 1 }).message).toBe('redisStore: `prefix` must be a string; got an object.');
    expect(invalidOption('type', 'startInboxWorker', 'inbox', 'an inbox from pgBossInbox() or bullmqInbox()').message).toBe(
      'startInboxWorker: `inbox` must be an inbox from pgBossInbox() or bullmqInbox().',
    );
  });

  it('takes the default when the option is absent, and refuses what is out of range', () => {
    expect(positiveMs('x', 'leaseMs', undefined, defaults.leaseMs)).toBe(60_000);
    expect(positiveMs('x', 'timeoutMs', Infinity, 1, { infinite: true })).toBe(Infinity);
    expect(() => positiveMs('x', 'leaseMs', Infinity, 1)).toThrow('x: `leaseMs` must be a positive number of milliseconds; got Infinity.');
    expect(() => positiveMs('x', 'leaseMs', Number.NaN, 1)).toThrow(RangeError);
    expect(() => positiveMs('x', 'leaseMs', '5' as never, 1)).toThrow('got "5"');
    expect(wholeNumber('x', 'concurrency', undefined, 1)).toBe(1);
    expect(() => wholeNumber('x', 'concurrency', 1.5, 1)).toThrow('x: `concurrency` must be a positive integer; got 1.5.');
    expect(() => wholeNumber('x', 'limit', -1, 8, 0)).toThrow('must be a whole number of at least 0; got -1');
  });

  it('is what an entry point throws for a bad option', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow('memoryStore: `maxEntries` must be a positive integer; got 0.');
    expect(() => memoryStore({ retentionMs: -1 })).toThrow(RangeError);
  });
});
