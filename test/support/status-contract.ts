// The status contract's table (README.md), sent over real HTTP to a server an adapter test starts.
// Every adapter and framework major runs these same rows, so none can drift from the contract.
import { afterEach, expect, it } from 'vitest';
import type { WebhookHandlerOptions } from '../../src/handler/build-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { NonRetryableError } from '../../src/router/non-retryable-error.js';
import { signPayload } from '../../src/testing/sign-payload.js';
import { capturingLogger } from './capturing-logger.js';
import { leakCheck, paidCheckout, signedDelivery, testSecret, type Delivery } from './deliveries.js';

export interface RunningServer {
  /** The URL of the webhook endpoint. */
  url: string;
  close(): Promise<void>;
}

/** Starts a real server on 127.0.0.1, port 0, with the adapter under test answering every method. */
export type StartServer = (options: WebhookHandlerOptions) => Promise<RunningServer>;

export interface Answer {
  status: number;
  body: string;
  headers: Headers;
}

type Sendable = Pick<Delivery, 'body' | 'headers'>;

export async function send(url: string, delivery: Sendable, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body, ...init });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** Sends the body as a stream: chunked, with no Content-Length to check up front. */
export function sendChunked(url: string, delivery: Sendable): Promise<Answer> {
  const bytes = new TextEncoder().encode(delivery.body);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let offset = 0; offset < bytes.byteLength; offset += 16_384) controller.enqueue(bytes.subarray(offset, offset + 16_384));
      controller.close();
    },
  });
  return send(url, delivery, { body, duplex: 'half' } as RequestInit);
}

export function expectAnswer(answer: Answer, status: number, body: Record<string, unknown>, delivery: Delivery = anyDelivery): void {
  expect({ status: answer.status, body: JSON.parse(answer.body) as unknown }).toEqual({ status, body });
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  leakCheck(answer.body, delivery);
}

const anyDelivery = paidCheckout('o_leak_probe');

/** Registers the contract's rows in the current `describe`. */
export function statusContract(start: StartServer): void {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function setup(options: Partial<WebhookHandlerOptions> = {}) {
    const fulfilled: string[] = [];
    const router = createWebhookRouter().onCheckoutPaid((session) => {
      fulfilled.push(session.metadata?.orderId ?? '?');
    });
    const { logger, lines } = capturingLogger();
    const server = await start({ secret: testSecret, router, logger, ...options });
    servers.push(server);
    return { url: server.url, router, fulfilled, lines };
  }

  it('200 when handled, running the handler once', async () => {
    const { url, fulfilled } = await setup();
    const delivery = paidCheckout('o_1');
    expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
    expect(fulfilled).toEqual(['o_1']);
  });

  it('200 when no handler matched', async () => {
    const { url, fulfilled } = await setup();
    const delivery = signedDelivery('customer.created');
    expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
    expect(fulfilled).toEqual([]);
  });

  it('200 duplicate for a redelivery of an event already done, without running handlers again', async () => {
    const { url, fulfilled } = await setup();
    const delivery = paidCheckout('o_1');
    expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
    const retry = { ...delivery, headers: { ...delivery.headers, 'stripe-signature': signPayload(delivery.body, testSecret) } };
    expectAnswer(await send(url, retry), 200, { received: true, duplicate: true }, delivery);
    expect(fulfilled).toEqual(['o_1']);
  });

  it('200 discarded when a handler throws NonRetryableError, and later deliveries are duplicates', async () => {
    const { url, router } = await setup();
    router.on('charge.refunded', () => {
      throw new NonRetryableError('order 42 does not exist');
    });
    const delivery = signedDelivery('charge.refunded');
    const answer = await send(url, delivery);
    expectAnswer(answer, 200, { received: true, discarded: true }, delivery);
    expect(answer.body).not.toContain('order 42');
    expectAnswer(await send(url, delivery), 200, { received: true, duplicate: true }, delivery);
  });

  it('405 for a request that is not a POST, with Allow: POST', async () => {
    const { url } = await setup();
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const answer = await send(url, { body: '', headers: {} as Delivery['headers'] }, { method, body: method === 'GET' ? null : '' });
      expectAnswer(answer, 405, { error: 'method_not_allowed' });
      expect(answer.headers.get('allow')).toBe('POST');
    }
  });

  const oversized = () => signedDelivery('checkout.session.completed', { data: { object: { metadata: { note: 'é'.repeat(10_000) } } } });

  it('413 for a body over maxBodyBytes (16 KiB here) announced by Content-Length, and the next delivery still works', async () => {
    const { url, fulfilled } = await setup({ maxBodyBytes: 16_384 });
    const delivery = oversized();
    expectAnswer(await send(url, delivery), 413, { error: 'payload_too_large' }, delivery);
    expect(fulfilled).toEqual([]);
    expectAnswer(await send(url, paidCheckout('o_small')), 200, { received: true });
  });

  it('413 for a chunked body that grows past maxBodyBytes while it is read', async () => {
    const { url, fulfilled } = await setup({ maxBodyBytes: 16_384 });
    const delivery = oversized();
    expectAnswer(await sendChunked(url, delivery), 413, { error: 'payload_too_large' }, delivery);
    expect(fulfilled).toEqual([]);
    expectAnswer(await sendChunked(url, paidCheckout('o_small')), 200, { received: true });
  });

  const base = paidCheckout('o_1');
  const signed = (body: string): Sendable => ({ body, headers: { 'content-type': 'application/json', 'stripe-signature': signPayload(body, testSecret) } });
  it.each([
    ['missing_signature', { body: base.body, headers: { 'content-type': 'application/json' } }],
    ['malformed_signature', { body: base.body, headers: { 'content-type': 'application/json', 'stripe-signature': 'v1=abc' } }],
    ['no_matching_signature', { body: base.body, headers: { ...base.headers, 'stripe-signature': signPayload(base.body, 'whsec_another_endpoint') } }],
    ['no_matching_signature', { body: base.body.replace('o_1', 'o_2'), headers: base.headers }],
    ['timestamp_out_of_tolerance', { body: base.body, headers: { ...base.headers, 'stripe-signature': signPayload(base.body, testSecret, { timestamp: 1_600_000_000 }) } }],
    ['invalid_json', signed('{"id": evt_')],
    ['not_an_event', signed('{"object":"list","data":[]}')],
  ] as const)('400 %s', async (code, delivery) => {
    const { url, fulfilled } = await setup();
    expectAnswer(await send(url, delivery as Sendable), 400, { error: code }, base);
    expect(fulfilled).toEqual([]);
  });

  it('409 in_progress while another delivery of the same event is being handled', async () => {
    const { url, router } = await setup();
    let entered!: () => void;
    let finish!: () => void;
    const handlerEntered = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (finish = resolve));
    router.on('invoice.paid', async () => {
      entered();
      await gate;
    });
    const delivery = signedDelivery('invoice.paid');
    const first = send(url, delivery);
    await handlerEntered;
    expectAnswer(await send(url, delivery), 409, { error: 'in_progress' }, delivery);
    finish();
    expectAnswer(await first, 200, { received: true }, delivery);
    expectAnswer(await send(url, delivery), 200, { received: true, duplicate: true }, delivery);
  });

  it('500 missing_secret when the secret is not configured', async () => {
    const { url, fulfilled } = await setup({ secret: process.env.UNSET_STRIPE_WEBHOOK_SECRET_FOR_TEST ?? '' });
    const delivery = paidCheckout('o_1');
    expectAnswer(await send(url, delivery), 500, { error: 'missing_secret' }, delivery);
    expect(fulfilled).toEqual([]);
  });

  it('500 handler_failed when a handler throws, without its message; Stripe\'s retry runs it again', async () => {
    const { url, router, lines } = await setup();
    let attempts = 0;
    router.on('checkout.session.completed', () => {
      if (++attempts === 1) throw new Error(`database refused the write (secret ${testSecret})`);
    });
    const delivery = paidCheckout('o_1');
    const failed = await send(url, delivery);
    expectAnswer(failed, 500, { error: 'handler_failed' }, delivery);
    expect(failed.body).not.toContain('database refused');
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', details: expect.objectContaining({ eventId: delivery.event.id }) }));
    expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
    expect(attempts).toBe(2);
  });
}
