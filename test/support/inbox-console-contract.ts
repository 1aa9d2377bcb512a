// What the operator console reads of every inbox (order reference, one-term search, filters with
// paging, the timeline, purge), run by inboxContract against each engine on a real server.
import type Stripe from 'stripe';
import { expect, it } from 'vitest';
import type { InboxWorker } from '../../src/inbox/start-inbox-worker.js';
import type { Inbox, InboxEntry, InboxListFilter } from '../../src/inbox/types.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { NonRetryableError } from '../../src/router/non-retryable-error.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import type { InboxSubject } from './inbox-contract.js';
import { inboxEngine } from '../../src/inbox/engine.js';

type Work = (inbox: Inbox, router: ReturnType<typeof createWebhookRouter>) => InboxWorker;

const session = (id: string, object: { metadata?: Record<string, string>; client_reference_id?: string } = {}) =>
  createTestEvent('checkout.session.completed', { data: { object: { id, metadata: {}, client_reference_id: null, payment_status: 'paid', ...object } } } as never) as Stripe.Event;
const ids = (entries: readonly InboxEntry[]) => entries.map((entry) => entry.id);
/** `metadata.orderId` of a routed event's object (test events here are all snapshot events). */
const orderOf = (event: unknown) => (event as Stripe.Event & { data: { object: { metadata?: { orderId?: string } } } }).data.object.metadata?.orderId ?? '';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every page of a filter, following the cursors. */
async function allPages(inbox: Inbox, filter: InboxListFilter): Promise<{ entries: InboxEntry[]; pages: number }> {
  const entries: InboxEntry[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await inbox.list({ ...filter, cursor });
    entries.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== undefined && pages < 50);
  return { entries, pages };
}

export function inboxConsoleContract(subject: () => InboxSubject, work: Work, statusOf: (inbox: Inbox, id: string, status: InboxEntry['status']) => Promise<unknown>): void {
  it('indexes the order reference (metadata.orderId, else client_reference_id) and finds an event by event, object or order id, exactly', async () => {
    const inbox = await subject().open();
    const byMetadata = session('cs_console_a', { metadata: { orderId: 'order_42' }, client_reference_id: 'ref_ignored' });
    const byReference = session('cs_console_b', { client_reference_id: 'order_42' });
    const none = session('cs_console_c');
    const invoice = createTestEvent('invoice.paid', { data: { object: { id: 'in_console_1' } } } as never) as Stripe.Event;
    for (const event of [byMetadata, byReference, none, invoice]) await inbox.enqueue(event);

    const all = (await inbox.list()).items;
    expect(Object.fromEntries(all.map((entry) => [entry.id, entry.orderId]))).toEqual({
      [byMetadata.id]: 'order_42',
      [byReference.id]: 'order_42',
      [none.id]: undefined,
      [invoice.id]: undefined,
    });
    expect((await inbox.get(byMetadata.id))?.orderId).toBe('order_42');
    expect(ids((await inbox.list({ orderId: 'order_42' })).items)).toEqual([byReference.id, byMetadata.id]);
    expect(ids((await inbox.list({ orderId: 'ref_ignored' })).items)).toEqual([]);

    expect(ids((await inbox.list({ search: none.id })).items)).toEqual([none.id]);
    expect(ids((await inbox.list({ search: 'in_console_1' })).items)).toEqual([invoice.id]);
    expect(ids((await inbox.list({ search: ' order_42\n' })).items)).toEqual([byReference.id, byMetadata.id]);
    // Exact terms only: no prefix, suffix or case-folded matches.
    for (const partial of ['order_4', 'rder_42', 'ORDER_42', 'cs_console', none.id.slice(0, -1), 'in_console_10']) {
      expect(ids((await inbox.list({ search: partial })).items), partial).toEqual([]);
    }
    // Search narrows like any other filter.
    expect(ids((await inbox.list({ search: 'order_42', type: 'invoice.paid' })).items)).toEqual([]);
    expect(ids((await inbox.list({ search: 'order_42', limit: 1 })).items)).toEqual([byReference.id]);
    await expect(inbox.list({ search: '  ' })).rejects.toMatchObject({ code: 'invalid_options' });
    await expect(inbox.list({ cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'invalid_options' });
  });

  it('filters by time range, status and type together, newest first, page by page', async () => {
    const inbox = await subject().open({ retry: { limit: 0, delaySeconds: 0 } });
    const early = Array.from({ length: 3 }, (_, index) => session(`cs_early_${index}`, { metadata: { orderId: `early_${index}` } }));
    for (const event of early) await inbox.enqueue(event);
    await pause(30);
    const since = Date.now();
    await pause(30);
    // Even ones fail (dead at once: no retries), odd ones succeed; invoices are done too.
    const middle = Array.from({ length: 7 }, (_, index) => session(`cs_mid_${index}`, { metadata: { orderId: `${index % 2 === 0 ? 'fail' : 'ok'}_${index}` } }));
    const invoices = Array.from({ length: 2 }, () => createTestEvent('invoice.paid') as Stripe.Event);
    for (const event of [...middle, ...invoices]) await inbox.enqueue(event);
    await pause(30);
    const until = Date.now();
    await pause(30);
    const late = session('cs_late', { metadata: { orderId: 'fail_late' } });
    await inbox.enqueue(late);

    work(
      inbox,
      createWebhookRouter().onAny((event) => {
        const orderId = orderOf(event);
        if (orderId.startsWith('fail')) throw new Error(`cannot ship ${orderId}`);
      }),
    );
    for (const event of [...early, ...middle, ...invoices]) await statusOf(inbox, event.id, event === middle[0] || event === middle[2] || event === middle[4] || event === middle[6] ? 'dead' : 'done');
    await statusOf(inbox, late.id, 'dead');

    const newestFirst = (events: Stripe.Event[]) => events.map((event) => event.id).reverse();
    const inRange = await allPages(inbox, { since, until, limit: 2 });
    expect(ids(inRange.entries)).toEqual(newestFirst([...middle, ...invoices]));
    expect(inRange.pages).toBe(5);

    const deadInRange = await allPages(inbox, { since, until, status: 'dead', type: 'checkout.session.completed', limit: 3 });
    expect(ids(deadInRange.entries)).toEqual(newestFirst([middle[0]!, middle[2]!, middle[4]!, middle[6]!]));
    expect(deadInRange.pages).toBe(2);

    const doneSessions = await allPages(inbox, { status: ['done', 'discarded'], type: 'checkout.session.completed', limit: 2 });
    expect(ids(doneSessions.entries)).toEqual(newestFirst([...early, middle[1]!, middle[3]!, middle[5]!]));
    expect(ids((await allPages(inbox, { type: 'invoice.paid', until, limit: 1 })).entries)).toEqual(newestFirst(invoices));
    expect(ids((await allPages(inbox, { status: 'dead', since: until })).entries)).toEqual([late.id]);
    expect(ids((await allPages(inbox, { until: since, limit: 2 })).entries)).toEqual(newestFirst(early));
  });

  it('counts deliveries and failures per bucket, zeros included; failed = now failed, dead or discarded', async () => {
    const inbox = await subject().open({ retry: { limit: 0, delaySeconds: 0 } });
    const minute = 60_000;
    const since = Math.floor(Date.now() / minute) * minute - 2 * minute;
    const fine = session('cs_tl_fine', { metadata: { orderId: 'fine' } });
    const dead = session('cs_tl_dead', { metadata: { orderId: 'dead' } });
    const discarded = session('cs_tl_discard', { metadata: { orderId: 'discard' } });
    for (const event of [fine, dead, discarded]) await inbox.enqueue(event);
    work(
      inbox,
      createWebhookRouter().onAny((event) => {
        const orderId = orderOf(event);
        if (orderId === 'dead') throw new Error('carrier down');
        if (orderId === 'discard') throw new NonRetryableError('no such order');
      }),
    );
    await statusOf(inbox, fine.id, 'done');
    await statusOf(inbox, dead.id, 'dead');
    await statusOf(inbox, discarded.id, 'discarded');

    const until = since + 5 * minute;
    const timeline = await inbox.timeline({ since: new Date(since), until, bucketMs: minute });
    // Where each event falls, from its own receivedAt (the test may straddle a minute).
    const entries = (await inbox.list()).items;
    const expected = Array.from({ length: 5 }, (_, index) => {
      const inBucket = entries.filter((entry) => Math.floor((Date.parse(entry.receivedAt) - since) / minute) === index);
      return { start: new Date(since + index * minute).toISOString(), received: inBucket.length, failed: inBucket.filter((entry) => entry.status !== 'done').length };
    });
    expect(timeline).toEqual(expected);
    expect(timeline.slice(0, 2)).toEqual(expected.slice(0, 2).map((bucket) => ({ ...bucket, received: 0, failed: 0 })));
    expect(timeline.reduce((sum, bucket) => sum + bucket.received, 0)).toBe(3);
    expect(timeline.reduce((sum, bucket) => sum + bucket.failed, 0)).toBe(2);

    // One wide bucket, cut at `until`: events after it are not counted.
    expect(await inbox.timeline({ since, until: since + minute, bucketMs: 10 * minute })).toEqual([{ start: new Date(since).toISOString(), received: 0, failed: 0 }]);
    // A replayed event is no longer failed.
    await inbox.replay({ ids: [dead.id] });
    const afterReplay = await inbox.timeline({ since, until, bucketMs: 5 * minute });
    expect(afterReplay).toEqual([{ start: new Date(since).toISOString(), received: 3, failed: expect.any(Number) }]);
    expect([1, 2]).toContain(afterReplay[0]?.failed);
    await expect(inbox.timeline({ since, bucketMs: 1000 })).rejects.toMatchObject({ code: 'invalid_options' });
    await expect(inbox.timeline({ since, until: since + 365 * 24 * 60 * minute, bucketMs: minute })).rejects.toMatchObject({ code: 'invalid_options' });
  });

  it('purge removes settled events from every filter, the search and the timeline', async () => {
    const inbox = await subject().open({ retry: { limit: 0, delaySeconds: 0 } });
    const kept = session('cs_purge_kept', { metadata: { orderId: 'order_purge' } });
    const gone = session('cs_purge_gone', { metadata: { orderId: 'order_purge' } });
    const since = Date.now() - 60_000;
    await inbox.enqueue(gone);
    work(inbox, createWebhookRouter());
    await statusOf(inbox, gone.id, 'done');
    expect(await inbox.purge({ olderThan: Date.now() + 60_000 })).toBe(1);
    await inbox.enqueue(kept);
    await statusOf(inbox, kept.id, 'done');

    for (const filter of [{ orderId: 'order_purge' }, { search: 'order_purge' }, { objectId: 'cs_purge_gone' }, { search: gone.id }, { status: 'done' as const }, { type: gone.type }, { since }]) {
      expect(ids((await inbox.list(filter)).items), JSON.stringify(filter)).toEqual(filter.search === gone.id || filter.objectId ? [] : [kept.id]);
    }
    const [bucket] = await inbox.timeline({ since, until: Date.now() + 60_000, bucketMs: 120_000 });
    expect(bucket).toMatchObject({ received: 1, failed: 0 });
    expect(await inbox.stats()).toMatchObject({ done: 1 });
  });

  it("hands the worker's claim the stored traceparent, the arrival time and the attempt number", async () => {
    const inbox = await subject().open();
    const traceContext = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const event = session('cs_trace', { metadata: { orderId: 'o_trace' } });
    const untraced = session('cs_untraced');
    await inbox.enqueue(event, { traceContext });
    await inbox.enqueue(untraced);
    const receivedAt = (await inbox.get(event.id))?.receivedAt;
    const claim = await inboxEngine(inbox, 'test').claim(event.id, 'token-1');
    expect(claim).toMatchObject({ state: 'claimed', traceContext, attempt: 1 });
    expect(claim.state === 'claimed' ? claim.receivedAt?.toISOString() : undefined).toBe(receivedAt);
    const plain = await inboxEngine(inbox, 'test').claim(untraced.id, 'token-2');
    expect(plain).toMatchObject({ state: 'claimed', attempt: 1 });
    expect(plain.state === 'claimed' ? plain.traceContext : 'claimed?').toBeUndefined();
  });
}
