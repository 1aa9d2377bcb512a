import { describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { NonRetryableError } from '../../src/router/non-retryable-error.js';
import { signPayload } from '../../src/testing/sign-payload.js';
import type { IdempotencyStore, WebhookLogger, WebhookResponse } from '../../src/types.js';
import { leakCheck, paidCheckout, signedDelivery, testSecret, type Delivery } from '../support/deliveries.js';

function capturingLogger() {
  const lines: Array<{ level: string; message: string; details?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, details?: Record<string, unknown>) => lines.push({ level, message, details });
  const logger: WebhookLogger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

function setup(options: Partial<Parameters<typeof createWebhookHandler>[0]> = {}) {
  const fulfilled: string[] = [];
  const router = createWebhookRouter().onCheckoutPaid((session) => {
    fulfilled.push(session.metadata?.orderId ?? '?');
  });
  const { logger, lines } = capturingLogger();
  const handler = createWebhookHandler({ secret: testSecret, router, logger, ...options });
  const post = (delivery: Pick<Delivery, 'body' | 'headers'>, body: unknown = delivery.body) => handler.handle({ method: 'POST', headers: delivery.headers, body });
  return { handler, router, fulfilled, post, lines };
}

function expectAnswer(response: WebhookResponse, status: number, body: Record<string, unknown>, delivery?: Delivery) {
  expect(response.status).toBe(status);
  expect(JSON.parse(response.body)).toEqual(body);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  if (delivery) leakCheck(response.body, delivery);
}

describe('createWebhookHandler: the status contract', () => {
  it("calls the logger's methods on the logger, so a logger that needs its `this` (pino, winston) works", async () => {
    class PrefixedLogger implements WebhookLogger {
      readonly lines: string[] = [];
      constructor(private readonly prefix: string) {}
      info(message: string) {
        this.lines.push(`${this.prefix} info ${message}`);
      }
      warn(message: string) {
        this.lines.push(`${this.prefix} warn ${message}`);
      }
      error(message: string) {
        this.lines.push(`${this.prefix} error ${message}`);
      }
    }
    const logger = new PrefixedLogger('[app]');
    const { post } = setup({ logger });
    const delivery = paidCheckout('o_1');
    expectAnswer(await post({ body: delivery.body, headers: { 'content-type': 'application/json' } } as Delivery), 400, { error: 'missing_signature' });
    expectAnswer(await post(delivery, JSON.parse(delivery.body)), 500, { error: 'body_not_raw' });
    expect(logger.lines).toEqual([expect.stringMatching(/^\[app\] warn rejected a delivery: /), expect.stringMatching(/^\[app\] error /)]);
  });

  it('200 when handled, with the handler run once', async () => {
    const { post, fulfilled } = setup();
    const delivery = paidCheckout('o_1');
    expectAnswer(await post(delivery), 200, { received: true }, delivery);
    expect(fulfilled).toEqual(['o_1']);
  });

  it('200 when no handler matched', async () => {
    const { post, fulfilled } = setup();
    const delivery = signedDelivery('customer.created');
    expectAnswer(await post(delivery), 200, { received: true }, delivery);
    expect(fulfilled).toEqual([]);
  });

  it('200 duplicate for an event already done, without running handlers again', async () => {
    const { post, fulfilled } = setup();
    const delivery = paidCheckout('o_1');
    await post(delivery);
    // Stripe re-signs a retry: same event, new timestamp.
    const retry = { ...delivery, headers: { ...delivery.headers, 'stripe-signature': signPayload(delivery.body, testSecret) } };
    expectAnswer(await post(retry), 200, { received: true, duplicate: true }, delivery);
    expect(fulfilled).toEqual(['o_1']);
  });

  it('200 discarded on NonRetryableError; the event is done and onError sees it', async () => {
    const { post, router } = setup();
    const seen: unknown[] = [];
    router.on('charge.refunded', () => {
      throw new NonRetryableError('no such order: secret detail');
    });
    router.onError((error) => {
      seen.push(...error.errors);
    });
    const delivery = signedDelivery('charge.refunded');
    const response = await post(delivery);
    expectAnswer(response, 200, { received: true, discarded: true }, delivery);
    expect(response.body).not.toContain('secret detail');
    expect(seen).toHaveLength(1);
    expectAnswer(await post(delivery), 200, { received: true, duplicate: true });
  });

  it('405 for anything but POST, with an Allow header', async () => {
    const { handler } = setup();
    for (const method of ['GET', 'PUT', 'HEAD', 'DELETE']) {
      const response = await handler.handle({ method, headers: {}, body: '' });
      expectAnswer(response, 405, { error: 'method_not_allowed' });
      expect(response.headers.allow).toBe('POST');
    }
    expect((await handler.handle({ method: 'post', ...paidCheckout('o_1') })).status).toBe(200);
  });

  it('413 for a body larger than maxBodyBytes, as bytes or as text', async () => {
    const { post, fulfilled } = setup({ maxBodyBytes: 16_384 });
    const delivery = signedDelivery('checkout.session.completed', { data: { object: { metadata: { note: 'é'.repeat(6000) } } } });
    expectAnswer(await post(delivery), 413, { error: 'payload_too_large' });
    expectAnswer(await post(delivery, Buffer.from(delivery.body)), 413, { error: 'payload_too_large' });
    expect(fulfilled).toEqual([]);
    const small = paidCheckout('o_1');
    expect((await post(small)).status).toBe(200);
  });

  const base = paidCheckout('o_1');
  const sign = (body: string) => ({ body, headers: { 'content-type': 'application/json', 'stripe-signature': signPayload(body, testSecret) } });
  it.each([
    ['missing_signature', { body: base.body, headers: { 'content-type': 'application/json' } }],
    ['malformed_signature', { body: base.body, headers: { 'stripe-signature': 'v1=abc' } }],
    ['no_matching_signature', { body: base.body, headers: { 'stripe-signature': signPayload(base.body, 'whsec_other') } }],
    ['no_matching_signature', { body: base.body.replace('o_1', 'o_2'), headers: base.headers }],
    ['timestamp_out_of_tolerance', { body: base.body, headers: { 'stripe-signature': signPayload(base.body, testSecret, { timestamp: 1_600_000_000 }) } }],
    ['invalid_json', sign('{"id": evt')],
    ['not_an_event', sign('{"hello":"world"}')],
  ] as const)('400 %s', async (code, delivery) => {
    const { post, fulfilled, lines } = setup();
    const response = await post(delivery as Delivery);
    expectAnswer(response, 400, { error: code });
    leakCheck(response.body, base);
    expect(fulfilled).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', details: { code } }));
  });

  it('409 while another delivery of the same event is being processed', async () => {
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let started!: () => void;
    // The handler runs only after the claim: once it has started, the event is in progress.
    const claimed = new Promise<void>((resolve) => (started = resolve));
    const { post, router } = setup();
    router.on('invoice.paid', () => {
      started();
      return gate;
    });
    const delivery = signedDelivery('invoice.paid');
    const first = post(delivery);
    await claimed;
    expectAnswer(await post(delivery), 409, { error: 'in_progress' }, delivery);
    finish();
    expectAnswer(await first, 200, { received: true });
    expectAnswer(await post(delivery), 200, { received: true, duplicate: true });
  });

  it('500 body_not_raw when a body parser ran first, and the log says how to fix it', async () => {
    const { post, lines } = setup();
    const delivery = paidCheckout('o_1');
    const response = await post(delivery, JSON.parse(delivery.body));
    expectAnswer(response, 500, { error: 'body_not_raw' }, delivery);
    expect(lines.find((line) => line.level === 'error')?.message).toMatch(/express\.json\(\)/);
  });

  it('500 missing_secret when the secret is not configured, without leaking it', async () => {
    const { post } = setup({ secret: process.env.UNSET_WEBHOOK_SECRET_FOR_TEST as string });
    const delivery = paidCheckout('o_1');
    expectAnswer(await post(delivery), 500, { error: 'missing_secret' }, delivery);
  });

  it('500 handler_failed when a handler throws; the claim is released so Stripe\'s retry runs it again', async () => {
    const { post, router, lines } = setup();
    let attempts = 0;
    router.on('checkout.session.completed', () => {
      if (++attempts === 1) throw new Error(`connection refused with ${testSecret}`);
    });
    const delivery = paidCheckout('o_1');
    const failed = await post(delivery);
    expectAnswer(failed, 500, { error: 'handler_failed' }, delivery);
    expect(lines.find((line) => line.level === 'error')?.details).toMatchObject({ eventId: delivery.event.id });
    expectAnswer(await post(delivery), 200, { received: true });
    expect(attempts).toBe(2);
  });

  it('500 store_unavailable when the store cannot claim, so Stripe retries', async () => {
    const failingStore: IdempotencyStore = {
      claim: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
      complete: () => Promise.resolve(),
      release: () => Promise.resolve(),
    };
    const { post, fulfilled } = setup({ store: failingStore });
    const delivery = paidCheckout('o_1');
    expectAnswer(await post(delivery), 500, { error: 'store_unavailable' }, delivery);
    expect(fulfilled).toEqual([]);
  });

  it('still answers 200 when the handlers succeeded but marking the event done failed', async () => {
    const store: IdempotencyStore = { claim: async () => 'claimed', complete: () => Promise.reject(new Error('lost connection')), release: async () => {} };
    const { post, lines } = setup({ store });
    expectAnswer(await post(paidCheckout('o_1')), 200, { received: true });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringMatching(/could not record the event as done; answering 2xx/) as unknown }));
  });

  it('runs every delivery when deduplication is off', async () => {
    const { post, fulfilled } = setup({ store: false });
    const delivery = paidCheckout('o_1');
    await post(delivery);
    await post(delivery);
    expect(fulfilled).toEqual(['o_1', 'o_1']);
  });

  it('reads the signature from a Headers object and from mixed-case keys', async () => {
    const { handler } = setup();
    const first = paidCheckout('o_1');
    expect((await handler.handle({ method: 'POST', headers: new Headers(first.headers), body: first.body })).status).toBe(200);
    const second = paidCheckout('o_2');
    const response = await handler.handle({ method: 'POST', headers: { 'Stripe-Signature': second.headers['stripe-signature'] }, body: second.body });
    expect(response.status).toBe(200);
  });
});

describe('createWebhookHandler: options', () => {
  it('validates what it is given', () => {
    const router = createWebhookRouter();
    expect(() => createWebhookHandler({ secret: testSecret } as never)).toThrow(/router/);
    expect(() => createWebhookHandler({ secret: testSecret, router, maxBodyBytes: 0 })).toThrow(/maxBodyBytes/);
    expect(() => createWebhookHandler({ secret: testSecret, router, leaseMs: -1 })).toThrow(/leaseMs/);
  });
});
