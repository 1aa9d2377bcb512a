// Thin notifications through a durable inbox: a signed thin delivery over real HTTP is stored as
// it arrived (no Stripe client at the ingress), deduplicated with its snapshot twin, and a
// pg-boss worker on PGlite rebuilds it with stripe-node, whose fetches reach the local Stripe
// stand-in. A worker without a client refuses to start or fails the attempt with the fix.
import express5 from 'express5';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker, type InboxWorker } from '../../src/inbox/start-inbox-worker.js';
import type { Inbox } from '../../src/inbox/types.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { createTestNotification } from '../../src/entries/testing.js';
import { testSecret } from '../support/deliveries.js';
import { listening } from '../support/listen.js';
import { send, type RunningServer } from '../support/status-contract.js';
import { startThinObjectsServer, type ThinObjectsServer } from '../support/stripe-api/thin-objects-server.js';
import { thinCheckout } from '../support/thin-deliveries.js';
import { statusOf } from '../support/inbox-contract.js';
import { startPgBossOnPglite, type PgBossSetup } from '../support/pg-boss-engines.js';

let api: ThinObjectsServer;
let engine: PgBossSetup;
let server: RunningServer;
let count = 0;
const workers: InboxWorker[] = [];
beforeAll(async () => {
  api = await startThinObjectsServer();
  engine = await startPgBossOnPglite();
});
afterAll(async () => {
  for (const worker of workers) await worker.stop();
  await server?.close();
  await engine?.close();
  await api?.close();
});

function openInbox(retry = { limit: 0, delaySeconds: 0 }): Inbox {
  count++;
  return pgBossInbox(engine.boss, { db: engine.db, table: `thin_events_${count}`, queue: `thin-${count}`, pollingIntervalSeconds: 0.5, retry });
}

/** The ingress over real HTTP: Express 5 with the inbox, and no Stripe client. */
async function serveIngress(inbox: Inbox): Promise<string> {
  await server?.close();
  const app = (express5 as unknown as () => Express)();
  app.post('/v1/webhook', stripeWebhookMiddleware({ secret: testSecret, router: createWebhookRouter(), inbox, logger: false }));
  server = await listening(app.listen(0, '127.0.0.1'));
  return server.url;
}

describe('thin notifications into a pg-boss inbox (PGlite)', () => {
  it('stores the notification as it arrived, once with its snapshot twin, and a worker with the client routes it', async () => {
    const inbox = openInbox();
    const url = await serveIngress(inbox);
    const delivery = thinCheckout(api, 'o_inbox_thin');
    const snapshotId = delivery.snapshot.event.id;

    const first = await send(url, delivery);
    expect({ status: first.status, body: JSON.parse(first.body) as unknown }).toEqual({ status: 200, body: { received: true, queued: true } });
    // Stripe's retry of the notification, then the snapshot twin of the same occurrence (a migration).
    expect(JSON.parse((await send(url, delivery)).body)).toEqual({ received: true, duplicate: true });
    expect(JSON.parse((await send(url, delivery.snapshot)).body)).toEqual({ received: true, duplicate: true });

    const stored = await inbox.get(snapshotId);
    expect(stored).toMatchObject({ id: snapshotId, type: 'v1.checkout.session.completed', status: 'queued', objectId: delivery.session.id });
    expect(stored?.created).toBe(Math.floor(Date.parse(delivery.notification.created) / 1000));
    expect(stored?.event).toEqual(JSON.parse(delivery.body));

    const paid: string[] = [];
    const fetched: string[] = [];
    const router = createWebhookRouter()
      .onCheckoutPaid((session, event, ctx) => void paid.push(`${session.metadata?.orderId} ${event.id} ${ctx.eventId}`))
      .on('v1.checkout.session.completed', async (notification) => {
        const event = await notification.fetchEvent();
        fetched.push(event.id);
      });
    const before = api.requests.length;
    workers.push(startInboxWorker({ inbox, router, stripe: api.stripe, logger: false }));
    await statusOf(inbox, snapshotId, 'done');
    expect(paid).toEqual([`o_inbox_thin ${snapshotId} ${snapshotId}`]);
    expect(fetched).toEqual([delivery.notification.id]);
    // stripe-node's own requests, from the worker, tagged with the notification.
    const made = api.requests.slice(before);
    expect(made.map((request) => `${request.method} ${request.path}`).sort()).toEqual([`GET /v1/checkout/sessions/${delivery.session.id}`, `GET /v2/core/events/${delivery.notification.id}`].sort());
    expect(made.every((request) => request.headers['stripe-request-trigger'] === `event=${delivery.notification.id}`)).toBe(true);
  });

  it('keys a notification without snapshot_event by its own id, and keeps its Stripe context as text', async () => {
    const inbox = openInbox();
    const url = await serveIngress(inbox);
    const delivery = thinCheckout(api, 'o_unlinked', { linked: false });
    expect((await send(url, delivery)).status).toBe(200);
    expect((await inbox.get(delivery.notification.id))?.type).toBe('v1.checkout.session.completed');
    // A built notification (stripe-node's, with methods and a StripeContext) stores its wire fields.
    const built = api.stripe.parseEventNotificationWithoutVerification(JSON.stringify(createTestNotification('v2.core.account.updated', { context: 'acct_1/acct_2' } as never)));
    expect(await inbox.enqueue(built as never)).toBe('queued');
    const record = await inbox.get(built.id);
    expect(record?.event).toMatchObject({ id: built.id, object: 'v2.core.event', context: 'acct_1/acct_2' });
    expect(Object.keys(record?.event ?? {})).not.toContain('fetchEvent');
  });

  it('refuses to start a worker whose router handles thin types without a Stripe client, naming the fix', () => {
    const router = createWebhookRouter().on('v1.checkout.session.expired', () => undefined);
    expect(() => startInboxWorker({ inbox: openInbox(), router, logger: false })).toThrow(
      expect.objectContaining({ code: 'stripe_client_required', message: expect.stringMatching(/v1\.checkout\.session\.expired.*startInboxWorker\(\{ inbox, router, stripe/) }),
    );
    expect(() => startInboxWorker({ inbox: openInbox(), router, stripe: {} as never, logger: false })).toThrow(/stripe-node client/);
  });

  it('fails the attempt of a thin notification that reaches a worker without a client, and a replay with one runs it', async () => {
    const inbox = openInbox();
    const url = await serveIngress(inbox);
    const delivery = thinCheckout(api, 'o_no_client');
    expect((await send(url, delivery)).status).toBe(200);
    const paid: string[] = [];
    // Only the checkout helper: it cannot tell at startup that thin payloads will come.
    const router = createWebhookRouter().onCheckoutPaid((session) => void paid.push(session.metadata?.orderId ?? '?'));
    const blind = startInboxWorker({ inbox, router, logger: false });
    const dead = await statusOf(inbox, delivery.snapshot.event.id, 'dead');
    await blind.stop();
    expect(paid).toEqual([]);
    expect(dead.attempts[0]?.error).toMatch(/stripe_client_required|without a Stripe client.*stripe: new Stripe/);

    expect(await inbox.replay({ ids: [delivery.snapshot.event.id] })).toBe(1);
    workers.push(startInboxWorker({ inbox, router, stripe: api.stripe, logger: false }));
    await statusOf(inbox, delivery.snapshot.event.id, 'done');
    expect(paid).toEqual(['o_no_client']);
  });
});
