import { describe, expect, it } from 'vitest';
import { parseForwardTo, parseMetadata, resolveSecret } from '../../src/cli/args.js';

describe('parseForwardTo', () => {
  it.each([
    ['localhost:8000/v1/webhook', 'http://localhost:8000/v1/webhook'],
    ['127.0.0.1:4242', 'http://127.0.0.1:4242/'],
    ['https://shop.example/v1/webhook?x=1', 'https://shop.example/v1/webhook?x=1'],
    ['HTTP://LOCALHOST:8000/hook', 'http://localhost:8000/hook'],
  ])('reads %s as %s', (input, href) => {
    expect(parseForwardTo(input).href).toBe(href);
  });
});

describe('resolveSecret', () => {
  it('prefers --secret over STRIPE_WEBHOOK_SECRET', () => {
    expect(resolveSecret('whsec_flag', { STRIPE_WEBHOOK_SECRET: 'whsec_env' })).toBe('whsec_flag');
    expect(resolveSecret(undefined, { STRIPE_WEBHOOK_SECRET: 'whsec_env' })).toBe('whsec_env');
  });

  it('refuses whitespace around the secret, naming where it came from', () => {
    expect(() => resolveSecret(undefined, { STRIPE_WEBHOOK_SECRET: 'whsec_env\n' })).toThrow('STRIPE_WEBHOOK_SECRET has leading or trailing whitespace');
  });
});

describe('parseMetadata', () => {
  it('splits at the first = and lets a later pair win', () => {
    expect(parseMetadata(['orderId=ord_1', 'q=a=b', 'orderId=ord_2', 'empty='])).toEqual({ orderId: 'ord_2', q: 'a=b', empty: '' });
  });
});
