import { describe, expect, it } from 'vitest';
import { announcesTooLarge, createBodyCollector } from '../../src/adapters/capped-body.js';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { paidCheckout, testSecret } from '../support/deliveries.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('announcesTooLarge', () => {
  it.each([
    [{ 'content-length': '1025' }, true],
    [{ 'content-length': '1024' }, false],
    [{ 'Content-Length': '99999' }, true],
    [new Headers({ 'content-length': '2048' }), true],
    [{}, false],
    [{ 'content-length': '' }, false],
    [{ 'content-length': 'lots' }, false],
  ])('%o with a 1024-byte limit: %s', (headers, expected) => {
    expect(announcesTooLarge(headers, 1024)).toBe(expected);
  });
});

describe('createBodyCollector', () => {
  it('joins the chunks it kept', () => {
    const collector = createBodyCollector(10);
    expect(collector.add(bytes('abc'))).toBe(true);
    expect(collector.add(bytes('defg'))).toBe(true);
    expect(new TextDecoder().decode(collector.bytes())).toBe('abcdefg');
  });

  it('takes a body of exactly the limit, and refuses the chunk past it for good', () => {
    const collector = createBodyCollector(4);
    expect(collector.add(bytes('abcd'))).toBe(true);
    expect(collector.add(bytes('e'))).toBe(false);
    expect(collector.add(new Uint8Array(0))).toBe(false);
    expect(collector.bytes().byteLength).toBe(0);
  });

  it('gives an empty body for no chunks', () => {
    expect(createBodyCollector(4).bytes()).toEqual(new Uint8Array(0));
  });
});

describe('a request marked bodyTooLarge', () => {
  const handler = createWebhookHandler({ secret: testSecret, router: createWebhookRouter(), logger: false });

  it('is answered 413 without looking at the body', async () => {
    const delivery = paidCheckout('o_1');
    const response = await handler.handle({ method: 'POST', headers: delivery.headers, body: undefined, bodyTooLarge: true });
    expect({ status: response.status, body: JSON.parse(response.body) as unknown }).toEqual({ status: 413, body: { error: 'payload_too_large' } });
  });

  it('is still answered 405 first when it is not a POST', async () => {
    const response = await handler.handle({ method: 'PUT', headers: {}, body: undefined, bodyTooLarge: true });
    expect(response.status).toBe(405);
  });
});
