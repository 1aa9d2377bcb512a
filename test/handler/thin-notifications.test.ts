// createWebhookHandler with thin notifications: routed through stripe-node's own notification
// machinery (its fetches answered by a local Stripe stand-in), deduplicated against their
// snapshot twins, and refused with a clear answer when no Stripe client was given.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import type { RoutableEvent } from '../../src/event-types.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { createSignedRequest, createTestNotification } from '../../src/entries/testing.js';
import type { WebhookContext } from '../../src/types.js';
import { capturingLogger } from '../support/capturing-logger.js';
import { testSecret } from '../support/deliveries.js';
import { startThinObjectsServer, type ThinObjectsServer } from '../support/stripe-api/thin-objects-server.js';
import { thinCheckout } from '../support/thin-deliveries.js';

let api: ThinObjectsServer;
beforeAll(async () => {
  api = await startThinObjectsServer();
});
afterAll(() => api.close());

function setup(options: { stripe?: boolean } = {}) {
  const paid: Array<{ orderId: string | undefined; eventId: string; eventType: string; ctx: WebhookContext }> = [];
  const awaiting: string[] = [];
  const seen: RoutableEvent[] = [];
  const router = createWebhookRouter()
    .onCheckoutPaid((session, event, ctx) => void paid.push({ orderId: session.metadata?.orderId, eventId: event.id, eventType: event.type, ctx }))
    .onCheckoutAwaitingPayment((session) => void awaiting.push(session.metadata?.orderId ?? '?'))
    .onAny((event) => void seen.push(event));
  const { logger, lines } = capturingLogger();
  const handler = createWebhookHandler({ secret: testSecret, router, logger, store: memoryStore(), ...(options.stripe === false ? {} : { stripe: api.stripe }) });
  const post = (delivery: { body: string; headers: Record<string, string> }) => handler.handle({ method: 'POST', headers: delivery.headers, body: delivery.body });
  return { handler, router, post, paid, awaiting, seen, lines };
}

describe('createWebhookHandler with a Stripe client: thin notifications', () => {
  it('runs onCheckoutPaid with the session fetched by stripe-node', async () => {
    const { post, paid, seen } = setup();
    const delivery = thinCheckout(api, 'o_thin_1');
    const before = api.requests.length;
    const answer = await post(delivery);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ received: true });
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({ orderId: 'o_thin_1', eventType: 'checkout.session.completed', eventId: delivery.snapshot.event.id });
    expect(paid[0]?.ctx).toMatchObject({ eventId: delivery.snapshot.event.id, type: 'v1.checkout.session.completed', livemode: false });
    // One GET, by stripe-node, to the URL in related_object, tagged with the notification.
    const fetches = api.requests.slice(before);
    expect(fetches.map((request) => `${request.method} ${request.path}`)).toEqual([`GET /v1/checkout/sessions/${delivery.session.id}`]);
    expect(fetches[0]?.headers['stripe-request-trigger']).toBe(`event=${delivery.notification.id}`);
    expect(seen.map((event) => event.object)).toEqual(['v2.core.event']);
  });

  it('fetches the session once when several helpers match, and decides by its payment_status', async () => {
    const { post, paid, awaiting } = setup();
    const delivery = thinCheckout(api, 'o_thin_2', { paymentStatus: 'unpaid' });
    const before = api.requests.length;
    expect((await post(delivery)).status).toBe(200);
    expect(awaiting).toEqual(['o_thin_2']);
    expect(paid).toEqual([]);
    expect(api.requests.length - before).toBe(1);
  });

  it('routes a typed v1 handler whose fetchRelatedObject() and fetchEvent() reach the API', async () => {
    const delivery = thinCheckout(api, 'o_thin_3');
    const results: Array<[string, string]> = [];
    const router = createWebhookRouter().on('v1.checkout.session.completed', async (notification) => {
      const session = await notification.fetchRelatedObject();
      const event = await notification.fetchEvent();
      results.push([session.id, event.id]);
    });
    const handler = createWebhookHandler({ secret: testSecret, router, logger: false, stripe: api.stripe });
    expect((await handler.handle({ method: 'POST', headers: delivery.headers, body: delivery.body })).status).toBe(200);
    expect(results).toEqual([[delivery.session.id, delivery.notification.id]]);
  });

  it('answers 500 handler_failed when the related object cannot be fetched, so Stripe retries', async () => {
    const { post, paid } = setup();
    const notification = createTestNotification('v1.checkout.session.completed', { related_object: { id: 'cs_test_gone', url: '/v1/checkout/sessions/cs_test_gone' } });
    const answer = await post(createSignedRequest(notification, testSecret));
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({ error: 'handler_failed' });
    expect(paid).toEqual([]);
  });

  it('routes a v2 notification to its typed handler and to onAny', async () => {
    const types: string[] = [];
    const router = createWebhookRouter()
      .on('v2.core.event_destination.ping', (notification) => void types.push(notification.type))
      .onAny((event) => void types.push(`any:${event.type}`));
    const handler = createWebhookHandler({ secret: testSecret, router, logger: false, stripe: api.stripe });
    const { body, headers } = createSignedRequest(createTestNotification('v2.core.event_destination.ping'), testSecret);
    expect((await handler.handle({ method: 'POST', headers, body })).status).toBe(200);
    expect(types.sort()).toEqual(['any:v2.core.event_destination.ping', 'v2.core.event_destination.ping']);
  });
});

describe('migration: one occurrence as a snapshot event and as a thin notification', () => {
  it('runs once when the snapshot arrives first', async () => {
    const { post, paid } = setup();
    const delivery = thinCheckout(api, 'o_mig_1');
    expect(JSON.parse((await post(delivery.snapshot)).body)).toEqual({ received: true });
    expect(JSON.parse((await post(delivery)).body)).toEqual({ received: true, duplicate: true });
    expect(paid.map((call) => call.orderId)).toEqual(['o_mig_1']);
  });

  it('runs once when the thin notification arrives first', async () => {
    const { post, paid } = setup();
    const delivery = thinCheckout(api, 'o_mig_2');
    expect(JSON.parse((await post(delivery)).body)).toEqual({ received: true });
    expect(JSON.parse((await post(delivery.snapshot)).body)).toEqual({ received: true, duplicate: true });
    expect(paid.map((call) => [call.orderId, call.eventId])).toEqual([['o_mig_2', delivery.snapshot.event.id]]);
  });

  it('runs once when both arrive at the same time (one gets 409 in_progress or duplicate)', async () => {
    const { post, paid } = setup();
    const delivery = thinCheckout(api, 'o_mig_3');
    const answers = (await Promise.all([post(delivery), post(delivery.snapshot)])).map((answer) => JSON.parse(answer.body) as Record<string, unknown>);
    expect(answers).toContainEqual({ received: true });
    expect([{ received: true, duplicate: true }, { error: 'in_progress' }]).toContainEqual(answers.find((answer) => !('received' in answer && !('duplicate' in answer))));
    expect(paid).toHaveLength(1);
  });

  it('treats a notification without snapshot_event as its own occurrence', async () => {
    const { post, paid } = setup();
    const delivery = thinCheckout(api, 'o_mig_4', { linked: false });
    await post(delivery.snapshot);
    expect(JSON.parse((await post(delivery)).body)).toEqual({ received: true });
    expect(JSON.parse((await post(delivery)).body)).toEqual({ received: true, duplicate: true });
    expect(paid.map((call) => call.eventId)).toEqual([delivery.snapshot.event.id, delivery.notification.id]);
  });
});

describe('createWebhookHandler without a Stripe client', () => {
  it('answers 500 stripe_client_required, logs the fix once, and leaves the notification to Stripe\'s retries', async () => {
    const { post, paid, seen, lines } = setup({ stripe: false });
    const first = thinCheckout(api, 'o_none_1');
    const answer = await post(first);
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({ error: 'stripe_client_required' });
    await post(thinCheckout(api, 'o_none_2'));
    expect(paid).toEqual([]);
    expect(seen).toEqual([]);
    const errors = lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/pass `stripe: new Stripe\(/);
    // Snapshot events are unaffected.
    expect((await post(first.snapshot)).status).toBe(200);
    expect(paid).toHaveLength(1);
  });

  it('refuses at startup a `stripe` that is not a stripe-node client', () => {
    expect(() => createWebhookHandler({ secret: testSecret, router: createWebhookRouter(), stripe: {} as unknown as Stripe })).toThrow(/stripe-node client/);
  });
});
