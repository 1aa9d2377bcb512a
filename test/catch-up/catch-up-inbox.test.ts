// catchUp({ inbox }) into a real pg-boss inbox on PGlite: the missed events of an outage are
// stored once (the ones the ingress stored before count as already done), a second run stores
// none, and a worker runs each event's handlers once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp } from '../../src/catch-up/catch-up.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker } from '../../src/inbox/start-inbox-worker.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { startStripeApiStandIn, type StripeApiStandIn } from '../support/stripe-api/events-server.js';
import { waitUntil } from '../support/wait-until.js';
import { startPgBossOnPglite, type PgBossSetup } from '../support/pg-boss-engines.js';
import { handledTypes, ids, outageEvents } from './outage.js';

let api: StripeApiStandIn;
let engine: PgBossSetup;
beforeAll(async () => {
  api = await startStripeApiStandIn();
  engine = await startPgBossOnPglite();
});
afterAll(async () => {
  await engine?.close();
  await api?.close();
});

describe('catchUp into a pg-boss inbox (PGlite)', () => {
  it('enqueues each missed event once, a second run enqueues none, and a worker processes each once', async () => {
    const start = 1_790_000_000 - 5 * 86_400;
    const until = () => (start + 3600) * 1000;
    const events = outageEvents(40, start);
    const delivered = events.filter((_, index) => index % 4 === 0);
    api.addEvents(delivered, { delivered: true });
    api.addEvents(events.filter((_, index) => index % 4 !== 0));
    const inbox = pgBossInbox(engine.boss, { db: engine.db, table: 'catch_up_events', queue: 'catch-up', pollingIntervalSeconds: 0.5 });
    // What the webhook ingress stored before the endpoint went down.
    for (const event of delivered) expect(await inbox.enqueue(event)).toBe('queued');

    const ran: string[] = [];
    const router = createWebhookRouter().on(handledTypes, (event) => void ran.push(event.id));
    const stripe = api.client();
    const first = await catchUp({ stripe, since: start, router, inbox, now: until, logger: false });
    expect(first).toMatchObject({ fetched: 40, alreadyDone: 10, processed: 30, failed: 0, inProgress: 0 });
    const second = await catchUp({ stripe, since: start, router, inbox, now: until, logger: false });
    expect(second).toMatchObject({ fetched: 40, alreadyDone: 40, processed: 0, failed: 0 });
    expect((await inbox.stats()).queued).toBe(40);

    const worker = startInboxWorker({ inbox, router, concurrency: 4, logger: false });
    try {
      await waitUntil('the worker to process the 40 events', async () => (await inbox.stats()).done === 40, 60_000);
    } finally {
      await worker.stop();
    }
    expect([...ran].sort()).toEqual(ids(events).sort());
    // Queued again by nothing: a third run still finds every event stored.
    expect(await catchUp({ stripe, since: start, router, inbox, now: until, logger: false })).toMatchObject({ alreadyDone: 40, processed: 0 });
  });
});
