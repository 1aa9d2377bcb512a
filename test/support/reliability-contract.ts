// The rows an adversarial run found broken (docs/reliability.md), sent over real HTTP to a server an adapter
// test starts: every adapter must answer them per the status contract, as it does the table's.
import { afterEach, expect, it } from 'vitest';
import type { WebhookHandlerOptions } from '../../src/handler/build-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { signPayload } from '../../src/testing/sign-payload.js';
import type { WebhookLogger } from '../../src/types.js';
import { capturingLogger } from './capturing-logger.js';
import { paidCheckout, testSecret } from './deliveries.js';
import { endlessUpload, rawRequest } from './raw-http.js';
import { expectAnswer, send, type RunningServer, type StartServer } from './status-contract.js';

/** Values a handler can throw that break naive formatting (`String(x)`, `${e.message}`). */
export function undescribableThrows(): Array<[string, () => unknown]> {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  return [
    ['Object.create(null)', () => Object.create(null)],
    ['an Error whose message getter throws', () => Object.defineProperty(new Error('x'), 'message', { get: () => { throw new Error('getter'); } })],
    ['an object whose toString throws', () => ({ toString: () => { throw new Error('toString'); } })],
    ['a symbol', () => Symbol('thrown')],
    ['a revoked Proxy', () => revoked.proxy],
    ['an Error carrying a secret in its message', () => new Error(`failed with ${testSecret}`)],
  ];
}

/** A logger that throws from every method, as a broken transport would. */
export const brokenLogger: WebhookLogger = {
  info() { throw new Error('log transport closed'); },
  warn() { throw new Error('log transport closed'); },
  error() { throw Object.create(null); },
};

export function reliabilityContract(start: StartServer): void {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  async function started(options: Partial<WebhookHandlerOptions> & Pick<WebhookHandlerOptions, 'router'>) {
    const server = await start({ secret: testSecret, logger: capturingLogger().logger, ...options });
    servers.push(server);
    return server.url;
  }

  it.each(undescribableThrows())('500 handler_failed when a handler throws %s (even with a logger that throws), and the retry runs it again', async (_what, thrown) => {
    let runs = 0;
    const router = createWebhookRouter().onCheckoutPaid(() => {
      runs++;
      if (runs === 1) throw thrown();
    });
    router.onError(() => {
      throw thrown();
    });
    const url = await started({ router, logger: brokenLogger });
    const delivery = paidCheckout('o_1');
    expectAnswer(await send(url, delivery), 500, { error: 'handler_failed' }, delivery);
    // The claim was released: Stripe's retry runs the handler rather than getting 409.
    expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
    expect(runs).toBe(2);
  });

  it('500 handler_timeout for a handler that outlives handlerTimeoutMs; it keeps its lease (409) and completes when it ends', async () => {
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let runs = 0;
    const router = createWebhookRouter().onCheckoutPaid(async () => {
      runs++;
      await gate;
    });
    const url = await started({ router, handlerTimeoutMs: 50 });
    const delivery = paidCheckout('o_1');
    expectAnswer(await send(url, delivery), 500, { error: 'handler_timeout' }, delivery);
    expectAnswer(await send(url, delivery), 409, { error: 'in_progress' }, delivery);
    finish();
    // The late success is recorded as soon as the handler ends: wait for that, not for a time.
    let answer = await send(url, delivery);
    for (let tries = 0; answer.status === 409 && tries < 200; tries++) answer = await send(url, delivery);
    expectAnswer(answer, 200, { received: true, duplicate: true }, delivery);
    expect(runs).toBe(1);
  });

  it('405 with Allow: POST for a method the framework may not know (PROPFIND)', async () => {
    const url = await started({ router: createWebhookRouter() });
    const answer = await send(url, paidCheckout('o_1'), { method: 'PROPFIND' });
    expectAnswer(answer, 405, { error: 'method_not_allowed' });
    expect(answer.headers.get('allow')).toBe('POST');
  });

  it('200 for a signed delivery whose Content-Type cannot be parsed (";;;"): the signature covers the bytes', async () => {
    const fulfilled: string[] = [];
    const url = await started({ router: createWebhookRouter().onCheckoutPaid((session) => void fulfilled.push(session.metadata?.orderId ?? '?')) });
    const delivery = paidCheckout('o_1');
    const answer = await send(url, { body: delivery.body, headers: { ...delivery.headers, 'content-type': ';;;' } });
    expectAnswer(answer, 200, { received: true }, delivery);
    expect(fulfilled).toEqual(['o_1']);
  });

  // Node's parser and `Headers` join repeated headers with ", " into one value, and the verifier
  // (as stripe-node's) reads that one value: the first header's `t` counts, the second's becomes
  // " t" (with the space) and is ignored, while `v1` entries of both are tried. So a valid header
  // followed by anything verifies; anything followed by a valid header does not.
  it.each([
    ['a valid header, then garbage', (valid: string) => [valid, 'garbage'], 200, { received: true }],
    ['garbage, then a valid header', (valid: string) => ['garbage', valid], 400, { error: 'malformed_signature' }],
    ['two unparseable headers', () => ['garbage', 'more garbage'], 400, { error: 'malformed_signature' }],
    [
      'one signed with another secret, then a valid one (same timestamp)',
      (valid: string, body: string) => [signPayload(body, 'whsec_other', { timestamp: Number(/t=(\d+)/.exec(valid)?.[1]) }), valid],
      200,
      { received: true },
    ],
  ] as const)('several Stripe-Signature headers over a raw socket: %s -> %s', async (_what, headers, status, body) => {
    const url = await started({ router: createWebhookRouter() });
    const delivery = paidCheckout('o_1');
    const lines = headers(delivery.headers['stripe-signature'], delivery.body).map((value) => `Stripe-Signature: ${value}`);
    const answer = await rawRequest(url, 'POST', ['Content-Type: application/json', ...lines], delivery.body);
    expect({ status: answer.status, body: JSON.parse(answer.body) as unknown }).toEqual({ status, body });
  });

  it.each(['content-length', 'chunked'] as const)('413, then closes the connection, for an endless oversized body (%s): it is not read to its end', async (announce) => {
    const url = await started({ router: createWebhookRouter(), maxBodyBytes: 16 * 1024 });
    const upload = await endlessUpload(url, { announce, maxBytes: 64 * 1024 * 1024 });
    expect(upload.closedByServer).toBe(true);
    expect(upload.bytesWritten).toBeLessThan(64 * 1024 * 1024);
    if (upload.answer.headers !== '') expect(upload.answer.status).toBe(413);
  });
}
