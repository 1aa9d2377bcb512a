import { describe, expect, it } from 'vitest';
import { describeError } from '../src/describe-error.js';
import { guardLogger } from '../src/logger.js';
import { undescribableThrows } from './support/reliability-contract.js';

describe('describeError', () => {
  it.each(undescribableThrows())('never throws for %s, and says something', (_what, make) => {
    const text = describeError(make());
    expect(typeof text).toBe('string');
    expect(text.length).toBeGreaterThan(0);
  });

  it('names an Error, the errors inside an AggregateError, and plain values', () => {
    expect(describeError(new TypeError('bad input'))).toBe('TypeError: bad input');
    expect(describeError(new AggregateError([new Error('one'), 'two'], '2 failed'))).toBe('AggregateError: 2 failed [Error: one; two]');
    expect(describeError(Symbol('s'))).toBe('Symbol(s)');
    expect(describeError(undefined)).toBe('undefined');
    expect(describeError(Object.create(null))).toBe('[object Object]');
  });

  it('cuts a huge message', () => {
    expect(describeError(new Error('x'.repeat(10_000))).length).toBeLessThan(2100);
  });
});

describe('guardLogger', () => {
  it('swallows what a logger throws, and wraps a logger once', () => {
    const broken = { info: () => { throw new Error('closed'); }, warn: () => { throw Symbol('x'); }, error: undefined as never };
    const safe = guardLogger(broken);
    expect(() => { safe.info('a'); safe.warn('b'); safe.error('c', { d: 1 }); }).not.toThrow();
    expect(guardLogger(broken)).toBe(safe);
    expect(guardLogger(safe)).toBe(safe);
  });
});
