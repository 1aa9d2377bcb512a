// handleTrustedDelivery: Stripe events and thin notifications inside Amazon EventBridge and Azure
// Event Grid envelopes (the shapes of Stripe's and the clouds' docs), deduplicated with the
// webhook handler's store, thin ones fetched through stripe-node from the local Stripe stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker } from '../../src/inbox/start-inbox-worker.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { createTestEvent } from '../../src/entries/testing.js';
import { handleTrustedDelivery } from '../../src/trusted/handle-trusted-delivery.js';
import { testSecret } from '../support/deliveries.js';
import { startThinObjectsServer, type ThinObjectsServer } from '../support/stripe-api/thin-objects-server.js';
import { thinCheckout } from '../support/thin-deliveries.js';
import { statusOf } from '../support/inbox-contract.js';
import { startPgBossOnPglite } from '../support/pg-boss-engines.js';

let api: ThinObjectsServer;
beforeAll(async () => {
  api = await startThinObjectsServer();
});
afterAll(() => api.close());

// https://docs.stripe.com/event-destinations/eventbridge: the event is the envelope's `detail`.
const eventBridge = (payload: object) => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': (payload as { type: string }).type,
  source: 'aws.partner/stripe.com/ed_test_61Qx',
  account: '123456789012',
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: [],
  detail: payload,
});
// Event Grid, CloudEvents 1.0 schema: the event is `data`.
const cloudEvent = (payload: object) => ({
  specversion: '1.0',
  id: crypto.randomUUID(),
  type: (payload as { type: string }).type,
  source: '/stripe/ed_test_61Qx',
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data: payload,
});
// Event Grid schema: the event is `data` too.
const eventGridEvent = (payload: object) => ({
  id: crypto.randomUUID(),
  eventType: (payload as { type: string }).type,
  subject: 'stripe',
  eventTime: new Date().toISOString(),
  dataVersion: '1',
  metadataVersion: '1',
  data: payload,
});

function setup() {
  const paid: string[] = [];
  const router = createWebhookRouter().onCheckoutPaid((session) => void paid.push(session.metadata?.orderId ?? '?'));
  const store = memoryStore();
  return { router, store, paid, options: { router, store, stripe: api.stripe, logger: false as const } };
}

describe('handleTrustedDelivery', () => {
  it.each([
    ['an EventBridge', 'eventbridge', eventBridge],
    ['a CloudEvents Event Grid', 'event-grid', cloudEvent],
    ['an Event Grid schema', 'event-grid', eventGridEvent],
  ] as const)('routes a snapshot event in %s envelope, once', async (_name, channel, wrap) => {
    const { options, paid } = setup();
    const event = createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_env' } } } });
    const first = await handleTrustedDelivery(wrap(event), options);
    expect(first).toEqual({ outcome: 'processed', retry: false, channel, eventId: event.id, type: 'checkout.session.completed' });
    // A redelivery of the same envelope, here as the JSON text a queue would hold.
    expect((await handleTrustedDelivery(JSON.stringify(wrap(event)), options)).outcome).toBe('duplicate');
    expect(paid).toEqual(['o_env']);
  });

  it.each([
    ['EventBridge', eventBridge],
    ['Event Grid', cloudEvent],
  ] as const)('routes a thin notification in %s with the session fetched by stripe-node', async (_name, wrap) => {
    const { options, paid } = setup();
    const delivery = thinCheckout(api, 'o_thin_env');
    const result = await handleTrustedDelivery(wrap(delivery.notification), options);
    expect(result).toMatchObject({ outcome: 'processed', retry: false, type: 'v1.checkout.session.completed' });
    expect(paid).toEqual(['o_thin_env']);
  });

  it('shares deduplication with the webhook handler: a migration occurrence runs once across channels', async () => {
    const { options, paid, router, store } = setup();
    const delivery = thinCheckout(api, 'o_cross');
    const handler = createWebhookHandler({ secret: testSecret, router, store, logger: false });
    expect((await handler.handle({ method: 'POST', headers: delivery.snapshot.headers, body: delivery.snapshot.body })).status).toBe(200);
    expect((await handleTrustedDelivery(eventBridge(delivery.notification), options)).outcome).toBe('duplicate');
    expect(paid).toEqual(['o_cross']);
  });

  it('asks for a retry when a handler fails, and when a thin notification has no Stripe client', async () => {
    const router = createWebhookRouter().on('checkout.session.completed', () => {
      throw new Error('database down');
    });
    const failed = await handleTrustedDelivery(eventBridge(createTestEvent('checkout.session.completed')), { router, store: memoryStore(), logger: false });
    expect(failed).toMatchObject({ outcome: 'failed', retry: true });
    const thin = await handleTrustedDelivery(cloudEvent(thinCheckout(api, 'o_no_client').notification), { router, store: memoryStore(), logger: false });
    expect(thin).toMatchObject({ outcome: 'stripe_client_required', retry: true });
  });

  it('refuses what is not a Stripe event, and options without a store', async () => {
    const { options, router } = setup();
    await expect(handleTrustedDelivery({ hello: 'world' }, options)).rejects.toThrow(/unrecognized envelope/);
    await expect(handleTrustedDelivery(eventBridge({ object: 'charge', id: 'ch_1' }), options)).rejects.toMatchObject({ code: 'not_an_event' });
    await expect(handleTrustedDelivery([eventBridge(createTestEvent('charge.succeeded'))], options)).rejects.toThrow(/once per event/);
    // Event Grid's handshake, in both schemas: named for what it is, with the fix and a code.
    const validationData = { validationCode: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6', validationUrl: 'https://rp-eastus2.eventgrid.azure.net/...' };
    for (const handshake of [
      { id: 'v1', eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', subject: '', dataVersion: '1', data: validationData },
      { specversion: '1.0', id: 'v2', type: 'Microsoft.EventGrid.SubscriptionValidationEvent', source: 'x', data: validationData },
    ]) {
      await expect(handleTrustedDelivery(handshake, options)).rejects.toMatchObject({
        code: 'event_grid_subscription_validation',
        message: expect.stringMatching(/subscription-validation event .* validationResponse: data\.validationCode/),
      });
    }
    // @ts-expect-error store (or inbox) is required
    await expect(handleTrustedDelivery(eventBridge(createTestEvent('charge.succeeded')), { router })).rejects.toThrow(/pass `store`/);
    // @ts-expect-error store and inbox exclude each other
    await expect(handleTrustedDelivery(eventBridge(createTestEvent('charge.succeeded')), { router, store: memoryStore(), inbox: {} })).rejects.toThrow(/not both/);
  });
});

describe('handleTrustedDelivery({ inbox }) into a pg-boss inbox (PGlite)', () => {
  it('stores EventBridge and Event Grid deliveries once (a thin twin too), and a worker processes each once', async () => {
    const engine = await startPgBossOnPglite();
    try {
      const inbox = pgBossInbox(engine.boss, { db: engine.db, table: 'trusted_events', queue: 'trusted', pollingIntervalSeconds: 0.5 });
      const paid: string[] = [];
      const router = createWebhookRouter().onCheckoutPaid((session) => void paid.push(session.metadata?.orderId ?? '?'));
      const options = { router, inbox, logger: false as const };
      const snapshot = createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_queued_snapshot' } } } });
      const thin = thinCheckout(api, 'o_queued_thin');

      expect(await handleTrustedDelivery(eventBridge(snapshot), options)).toEqual({ outcome: 'queued', retry: false, channel: 'eventbridge', eventId: snapshot.id, type: 'checkout.session.completed' });
      expect(await handleTrustedDelivery(JSON.stringify(cloudEvent(snapshot)), options)).toMatchObject({ outcome: 'duplicate', retry: false, channel: 'event-grid' });
      // No Stripe client here: the notification is stored as it arrived, under its snapshot twin's id.
      expect(await handleTrustedDelivery(eventGridEvent(thin.notification), options)).toMatchObject({ outcome: 'queued', retry: false, type: 'v1.checkout.session.completed' });
      expect(await handleTrustedDelivery(eventBridge(thin.snapshot.event), options)).toMatchObject({ outcome: 'duplicate' });

      const worker = startInboxWorker({ inbox, router, stripe: api.stripe, logger: false });
      try {
        await statusOf(inbox, snapshot.id, 'done');
        await statusOf(inbox, thin.snapshot.event.id, 'done');
      } finally {
        await worker.stop();
      }
      expect(paid.sort()).toEqual(['o_queued_snapshot', 'o_queued_thin']);
      expect(await inbox.stats()).toMatchObject({ done: 2, queued: 0, failed: 0 });
    } finally {
      await engine.close();
    }
  });

  it('asks for a retry when the inbox cannot store the event', async () => {
    const engine = await startPgBossOnPglite();
    try {
      const refused = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1'));
      const inbox = pgBossInbox(engine.boss, { db: { query: refused, connect: refused }, queue: 'trusted-broken' });
      const result = await handleTrustedDelivery(eventBridge(createTestEvent('checkout.session.completed')), { router: createWebhookRouter(), inbox, logger: false });
      expect(result).toMatchObject({ outcome: 'inbox_unavailable', retry: true });
    } finally {
      await engine.close();
    }
  });
});
