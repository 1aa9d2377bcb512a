import { describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import type { IdempotencyStore } from '../../src/types.js';
import { paidCheckout, testSecret } from '../support/deliveries.js';

function clock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('memoryStore', () => {
  it('gives exactly one of 1,000 concurrent claims of one id', async () => {
    const store = memoryStore();
    const results = await Promise.all(Array.from({ length: 1000 }, () => store.claim('evt_1', 60_000)));
    expect(results.filter((result) => result === 'claimed')).toHaveLength(1);
    expect(results.filter((result) => result === 'in_progress')).toHaveLength(999);
  });

  it('answers done after complete, and release does not undo it', async () => {
    const store = memoryStore();
    expect(await store.claim('evt_1', 1000)).toBe('claimed');
    await store.complete('evt_1');
    await store.release('evt_1');
    expect(await store.claim('evt_1', 1000)).toBe('done');
  });

  it('lets a released claim be taken again', async () => {
    const store = memoryStore();
    await store.claim('evt_1', 60_000);
    await store.release('evt_1');
    expect(await store.claim('evt_1', 60_000)).toBe('claimed');
  });

  it('expires a lease, so a retry after a crash runs the event again', async () => {
    const time = clock();
    const store = memoryStore({ now: time.now });
    expect(await store.claim('evt_1', 5000)).toBe('claimed');
    time.advance(4999);
    expect(await store.claim('evt_1', 5000)).toBe('in_progress');
    time.advance(1);
    expect(await store.claim('evt_1', 5000)).toBe('claimed');
  });

  it('forgets done events after the retention period', async () => {
    const time = clock();
    const store = memoryStore({ now: time.now, retentionMs: 10_000 });
    await store.claim('evt_1', 1000);
    await store.complete('evt_1');
    time.advance(9999);
    expect(await store.claim('evt_1', 1000)).toBe('done');
    time.advance(1);
    expect(await store.claim('evt_1', 1000)).toBe('claimed');
  });

  it('bounds memory by maxEntries, forgetting the oldest first', async () => {
    const store = memoryStore({ maxEntries: 100 });
    for (let i = 0; i < 1000; i++) {
      await store.claim(`evt_${i}`, 60_000);
      await store.complete(`evt_${i}`);
    }
    expect(store.size).toBe(100);
    expect(await store.claim('evt_999', 1000)).toBe('done');
    expect(await store.claim('evt_0', 1000)).toBe('claimed');
  });

  it('forgets the oldest 1/64 of a large cap at once, keeping the newest', async () => {
    const store = memoryStore({ maxEntries: 6400 });
    for (let i = 0; i < 10_000; i++) {
      await store.claim(`evt_${i}`, 60_000);
      await store.complete(`evt_${i}`);
      expect(store.size).toBeLessThanOrEqual(6400);
    }
    expect(store.size).toBeGreaterThan(6400 - 100);
    expect(await store.claim('evt_9999', 1000)).toBe('done');
    expect(await store.claim(`evt_${10_000 - 6300}`, 1000)).toBe('done');
    expect(await store.claim('evt_0', 1000)).toBe('claimed');
  });

  it('sweeps expired entries as it goes, so retention also bounds memory', async () => {
    const time = clock();
    const store = memoryStore({ now: time.now, retentionMs: 1000 });
    for (let i = 0; i < 5000; i++) {
      await store.claim(`evt_${i}`, 100);
      await store.complete(`evt_${i}`);
      time.advance(10);
    }
    // 1,000 ms of retention at one event per 10 ms keeps about 100, plus at most one sweep interval.
    expect(store.size).toBeLessThanOrEqual(100 + 1024);
    expect(store.size).toBeGreaterThanOrEqual(100);
  });

  it('remembers an event marked done after its claim was forgotten', async () => {
    const store = memoryStore({ maxEntries: 100 });
    expect(await store.claim('evt_slow', 60_000)).toBe('claimed');
    // A handler slow enough for 200 other events to push its claim out of a store of 100.
    for (let i = 0; i < 200; i++) {
      await store.claim(`evt_${i}`, 60_000);
      await store.complete(`evt_${i}`);
    }
    expect(await store.claim('evt_slow', 60_000, 'another delivery')).toBe('claimed');
    await store.complete('evt_slow');
    expect(await store.claim('evt_slow', 60_000)).toBe('done');
    expect(store.size).toBeLessThanOrEqual(100);
  });

  it('gives a lease up only to its own token, and a done event to no release', async () => {
    const store = memoryStore();
    expect(await store.claim('evt_1', 60_000, 'token-a')).toBe('claimed');
    await store.release('evt_1', 'token-b');
    expect(await store.claim('evt_1', 60_000, 'token-c')).toBe('in_progress');
    expect(await store.claim('evt_1', 60_000, 'token-a')).toBe('claimed');
    await store.complete('evt_1', 'token-a');
    await store.release('evt_1', 'token-a');
    expect(await store.claim('evt_1', 60_000, 'token-c')).toBe('done');
  });

  it("is claimed by the handler with a UUID new for each delivery, and settled with that claim's", async () => {
    const inner = memoryStore();
    const seen: Array<{ call: string; eventId: string; token: string | undefined }> = [];
    const store: IdempotencyStore = {
      claim: (eventId, leaseMs, token) => (seen.push({ call: 'claim', eventId, token }), inner.claim(eventId, leaseMs, token)),
      complete: (eventId, token) => (seen.push({ call: 'complete', eventId, token }), inner.complete(eventId, token)),
      release: (eventId, token) => (seen.push({ call: 'release', eventId, token }), inner.release(eventId, token)),
    };
    const handler = createWebhookHandler({ secret: testSecret, router: createWebhookRouter(), store, logger: false, telemetry: false });
    for (const orderId of ['order_1', 'order_2', 'order_3']) {
      const { body, headers } = paidCheckout(orderId);
      expect((await handler.handle({ method: 'POST', headers, body })).status).toBe(200);
    }
    const claims = seen.filter((one) => one.call === 'claim');
    expect(claims).toHaveLength(3);
    for (const { token } of claims) expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(claims.map((one) => one.token)).size).toBe(3);
    expect(seen.filter((one) => one.call === 'complete')).toEqual(claims.map((one) => ({ ...one, call: 'complete' })));
    expect(inner.size).toBe(3);
  });

  it('validates its options', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => memoryStore({ retentionMs: -1 })).toThrow(/retentionMs/);
  });
});
