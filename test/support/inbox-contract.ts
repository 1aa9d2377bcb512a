// What every inbox promises, run against each engine on a real server: the ingress over real HTTP
// (Express 5), workers through the engine, the event log read back through the inbox's own API.
import express from 'express5';
import type Stripe from 'stripe';
import { afterEach, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import { startInboxWorker, type InboxWorker } from '../../src/inbox/start-inbox-worker.js';
import type { Inbox, InboxOptions, InboxStatus } from '../../src/inbox/types.js';
import { createWebhookRouter, type WebhookRouter } from '../../src/router/create-webhook-router.js';
import { NonRetryableError } from '../../src/router/non-retryable-error.js';
import { createSignedRequest } from '../../src/testing/create-signed-request.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import type { WebhookContext } from '../../src/types.js';
import { listening } from './listen.js';
import { inboxConsoleContract } from './inbox-console-contract.js';
import type { RunningServer } from './status-contract.js';
import { inboxEngine } from '../../src/inbox/engine.js';

const secret = 'whsec_inbox_contract';

export interface InboxSubject {
  /** A new inbox on a queue and event log of its own. */
  open(options?: InboxOptions): Promise<Inbox>;
  /** An inbox whose storage is unreachable. */
  broken(): Promise<Inbox>;
}

/** Waits for a condition the engine brings about; fails with `what` after `ms`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const statusOf = (inbox: Inbox, id: string, status: InboxStatus) =>
  eventually(`${id} to be ${status}`, async () => {
    const record = await inbox.get(id);
    return record?.status === status ? record : undefined;
  });

const paid = (orderId: string, overrides: Partial<Stripe.Event> = {}) =>
  createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId }, payment_status: 'paid' } }, ...overrides } as never) as Stripe.Event;

export function inboxContract(subject: () => InboxSubject): void {
  const servers: RunningServer[] = [];
  const workers: InboxWorker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function ingress(inbox: Inbox) {
    const app = express();
    app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router: createWebhookRouter(), inbox, logger: false }));
    const server = await listening(app.listen(0, '127.0.0.1'));
    servers.push(server);
    return async (event: Stripe.Event) => {
      const request = createSignedRequest(event, secret);
      const response = await fetch(server.url, { method: 'POST', headers: request.headers, body: request.body });
      return { status: response.status, body: await response.text() };
    };
  }
  function work(inbox: Inbox, router: WebhookRouter, concurrency = 2) {
    const worker = startInboxWorker({ inbox, router, concurrency, logger: false });
    workers.push(worker);
    return worker;
  }

  it('answers 200 queued once the event is stored, and a duplicate 200 duplicate with nothing enqueued', async () => {
    const inbox = await subject().open();
    const deliver = await ingress(inbox);
    const event = paid('o_queued');
    expect(await deliver(event)).toEqual({ status: 200, body: '{"received":true,"queued":true}' });
    expect((await inbox.get(event.id))?.status).toBe('queued');
    expect(await deliver(event)).toEqual({ status: 200, body: '{"received":true,"duplicate":true}' });
    const runs: string[] = [];
    work(inbox, createWebhookRouter().onCheckoutPaid((session) => void runs.push(session.metadata?.orderId ?? '?')));
    const done = await statusOf(inbox, event.id, 'done');
    expect(runs).toEqual(['o_queued']);
    expect(done.attempts).toHaveLength(1);
    expect(done.attempts[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(done.event).toEqual(event);
  });

  it('answers 500 inbox_unavailable when the event cannot be stored', async () => {
    const deliver = await ingress(await subject().broken());
    expect(await deliver(paid('o_down'))).toEqual({ status: 500, body: '{"error":"inbox_unavailable"}' });
  });

  it('retries a failing event with the engine, then marks it dead with every error and stack; replay runs it again', async () => {
    const inbox = await subject().open({ retry: { limit: 2, delaySeconds: 0, backoff: false } });
    const deliver = await ingress(inbox);
    let broken = true;
    let runs = 0;
    const router = createWebhookRouter().onAny(() => {
      runs++;
      if (broken) throw new Error('shipping API down');
    });
    const event = paid('o_dead');
    const answer = await deliver(event);
    expect(answer.body).not.toContain('shipping');
    work(inbox, router);
    const dead = await statusOf(inbox, event.id, 'dead');
    expect(runs).toBe(3);
    expect(dead.attempts).toHaveLength(3);
    for (const attempt of dead.attempts) {
      expect(attempt.error).toBe('Error: shipping API down');
      expect(attempt.stack).toContain('shipping API down');
    }
    expect((await inbox.list({ status: 'dead' })).items.map((item) => item.id)).toContain(event.id);

    broken = false;
    expect(await inbox.replay({ status: 'dead', objectId: dead.objectId })).toBe(1);
    const done = await statusOf(inbox, event.id, 'done');
    expect(done.attempts).toHaveLength(4);
    expect(runs).toBe(4);
  });

  it('replays a done event only when asked: without includeDone nothing is re-queued and its effect stays applied once', async () => {
    const inbox = await subject().open();
    const effects: string[] = [];
    work(inbox, createWebhookRouter().onCheckoutPaid((session) => void effects.push(session.metadata?.orderId ?? '?')));
    const event = paid('o_replay_done');
    await inbox.enqueue(event);
    await statusOf(inbox, event.id, 'done');

    expect(await inbox.replay({ ids: [event.id] })).toBe(0);
    expect(await inbox.replay({ status: 'done', objectId: (event.data.object as { id: string }).id })).toBe(0);
    // The refused replays changed nothing: the event is still done with its one attempt after
    // another event went through the same worker.
    const probe = paid('o_replay_probe');
    await inbox.enqueue(probe);
    await statusOf(inbox, probe.id, 'done');
    expect((await inbox.get(event.id))?.attempts).toHaveLength(1);
    expect(effects).toEqual(['o_replay_done', 'o_replay_probe']);

    expect(await inbox.replay({ ids: [event.id], includeDone: true })).toBe(1);
    await eventually('the replayed event to run again', async () => (await inbox.get(event.id))?.status === 'done' && effects.length === 3);
    expect(effects).toEqual(['o_replay_done', 'o_replay_probe', 'o_replay_done']);
    expect((await inbox.get(event.id))?.attempts).toHaveLength(2);
  });

  it('marks an event discarded when a handler throws NonRetryableError, and does not retry it', async () => {
    const inbox = await subject().open({ retry: { limit: 3, delaySeconds: 0 } });
    let runs = 0;
    const router = createWebhookRouter().onAny(() => {
      runs++;
      throw new NonRetryableError('no such order');
    });
    const event = paid('o_discard');
    expect(await inbox.enqueue(event)).toBe('queued');
    work(inbox, router);
    const discarded = await statusOf(inbox, event.id, 'discarded');
    expect(runs).toBe(1);
    expect(discarded.attempts[0]?.error).toBe('NonRetryableError: no such order');
  });

  it('runs handlers once even when the engine delivers the job many times at once', async () => {
    const inbox = await subject().open();
    const events = Array.from({ length: 20 }, (_, index) => paid(`o_twice_${index}`));
    for (const event of events) await inbox.enqueue(event);
    // Extra jobs for the same events: what an at-least-once engine may deliver.
    for (const event of events) for (let copy = 0; copy < 3; copy++) await inboxEngine(inbox, 'test').defer({ eventId: event.id, generation: 0 }, 0);
    const runs = new Map<string, number>();
    work(
      inbox,
      createWebhookRouter().onAny(async (event) => {
        runs.set(event.id, (runs.get(event.id) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }),
      8,
    );
    for (const event of events) await statusOf(inbox, event.id, 'done');
    expect([...runs.values()]).toEqual(events.map(() => 1));
  });

  it('stops gracefully: finishes the handler it holds and records it, then takes nothing new', async () => {
    const inbox = await subject().open();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const handled: string[] = [];
    const worker = startInboxWorker({
      inbox,
      concurrency: 1,
      logger: false,
      router: createWebhookRouter().onAny(async (event) => {
        started();
        await gate;
        handled.push(event.id);
      }),
    });
    const first = paid('o_stop_1');
    await inbox.enqueue(first);
    await running;
    const stopped = worker.stop();
    await inbox.enqueue(paid('o_stop_2'));
    release();
    await stopped;
    expect(handled).toEqual([first.id]);
    expect((await inbox.get(first.id))?.status).toBe('done');
    expect((await inbox.stats()).queued).toBe(1);
  });

  it('per-object ordering: an event older than one already processed reaches handlers as stale, and the checkout helpers skip it', async () => {
    const inbox = await subject().open({ ordering: 'per-object' });
    const session = { id: 'cs_test_ordering_1', metadata: { orderId: 'o_order' } };
    const newer = createTestEvent('checkout.session.async_payment_succeeded', { created: 2_000_000_000, data: { object: session } } as never);
    const older = createTestEvent('checkout.session.completed', { created: 1_999_999_000, data: { object: { ...session, payment_status: 'unpaid' } } } as never);
    const seen: Array<{ type: string; stale: boolean | undefined }> = [];
    const order: string[] = [];
    const router = createWebhookRouter()
      .onAny((event, ctx: WebhookContext) => void seen.push({ type: event.type, stale: ctx.stale }))
      .onCheckoutPaid(() => void order.push('paid'))
      .onCheckoutAwaitingPayment(() => void order.push('awaiting'));
    await inbox.enqueue(newer);
    work(inbox, router);
    await statusOf(inbox, newer.id, 'done');
    await inbox.enqueue(older);
    await statusOf(inbox, older.id, 'done');
    expect(seen).toEqual([
      { type: 'checkout.session.async_payment_succeeded', stale: false },
      { type: 'checkout.session.completed', stale: true },
    ]);
    expect(order).toEqual(['paid']);
  });

  it('lists with filters and pages, gets one event, counts by status, and purges settled events', async () => {
    const inbox = await subject().open();
    const before = Date.now() - 1000;
    const events = [paid('o_list_1'), paid('o_list_2'), createTestEvent('invoice.paid') as Stripe.Event];
    for (const event of events) await inbox.enqueue(event);
    const firstPage = await inbox.list({ limit: 2, since: before });
    expect(firstPage.items.map((item) => item.id)).toEqual([events[2]?.id, events[1]?.id]);
    const secondPage = await inbox.list({ limit: 2, since: before, cursor: firstPage.nextCursor });
    expect(secondPage.items.map((item) => item.id)).toEqual([events[0]?.id]);
    expect(secondPage.nextCursor).toBeUndefined();
    expect((await inbox.list({ type: 'invoice.paid' })).items.map((item) => item.id)).toEqual([events[2]?.id]);
    expect((await inbox.list({ until: before })).items).toEqual([]);
    expect(await inbox.get('evt_missing')).toBeUndefined();
    expect(await inbox.stats()).toMatchObject({ queued: 3, done: 0 });

    work(inbox, createWebhookRouter());
    for (const event of events) await statusOf(inbox, event.id, 'done');
    expect(await inbox.stats()).toMatchObject({ queued: 0, done: 3 });
    expect(await inbox.purge({ olderThan: before })).toBe(0);
    expect(await inbox.purge({ olderThan: Date.now() + 60_000 })).toBe(3);
    expect(await inbox.get(events[0]!.id)).toBeUndefined();
  });

  inboxConsoleContract(subject, (inbox, router) => work(inbox, router), statusOf);
}
