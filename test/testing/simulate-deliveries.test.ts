// simulateDeliveries against real HTTP endpoints that verify with stripe-node.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutScenario, simulateDeliveries, SimulationError, type SimulationRun } from '../../src/entries/testing.js';
import { testSecret } from '../support/deliveries.js';
import { startRecordingEndpoint, type Answer, type RecordedRequest, type RecordingEndpoint } from './recording-endpoint.js';

const created = Math.floor(Date.now() / 1000);
const events = [
  ...checkoutScenario('card', { orderId: 'ord_card', created }),
  ...checkoutScenario('async-succeeded', { orderId: 'ord_bank', created }),
  ...checkoutScenario('expired', { orderId: 'ord_gone', created }),
];
// The order the simulator sends in without reorder: by created, stably.
const createdOrder = [...events].sort((a, b) => a.created - b.created).map((event) => event.id);

let endpoints: RecordingEndpoint[] = [];
async function endpoint(answer?: (request: RecordedRequest) => Answer | Promise<Answer>) {
  const started = await startRecordingEndpoint(testSecret, answer);
  endpoints.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(endpoints.map((started) => started.close()));
  endpoints = [];
});

/** What the seed decides: which request, when, signed how, and what came back. */
function schedule(run: SimulationRun) {
  return run.deliveries.map((d) => [d.eventId, d.copy, d.attempt, d.concurrent, d.scheduledAt, d.signature, d.status]);
}

/** Every request the server received, as sent: signature and body, byte for byte. */
function received(server: RecordingEndpoint) {
  return server.requests.map((request) => `${String(request.headers['stripe-signature'])}\n${request.body}`).sort();
}

describe('simulateDeliveries: determinism', () => {
  // One event always fails, so the schedule includes retries; nothing here depends on races.
  const failing = events[1]!.id;
  const answer = (request: RecordedRequest): Answer => ({ status: request.eventId === failing ? 500 : 200 });
  const options = { secret: testSecret, events, duplicates: 0.5, reorder: true, concurrency: 3, retry: { maxAttempts: 4 } };

  it('the same seed sends the same requests, byte for byte, in the same order', async () => {
    const [first, second] = [await endpoint(answer), await endpoint(answer)];
    const runA = await simulateDeliveries({ ...options, url: first.url, seed: 11 });
    const runB = await simulateDeliveries({ ...options, url: second.url, seed: 11 });

    expect(runA.deliveries.length).toBeGreaterThan(events.length);
    // Each copy of the failing event: three retries, then given up.
    const copies = new Set(runA.deliveries.filter((d) => d.eventId === failing).map((d) => d.copy)).size;
    expect(runA.summary.retries).toBe(3 * copies);
    expect(runA.summary.unacknowledged.map((event) => event.eventId)).toEqual([failing]);
    expect(schedule(runB)).toEqual(schedule(runA));
    expect(received(second)).toEqual(received(first));
    expect(first.requests).toHaveLength(runA.deliveries.length);
    expect(runB.summary).toEqual(runA.summary);
  });

  it('another seed gives another schedule', async () => {
    const server = await endpoint(answer);
    const runs = [];
    for (const seed of [11, 12]) runs.push(await simulateDeliveries({ ...options, url: server.url, seed }));
    const order = (run: SimulationRun) => run.deliveries.map((d) => `${d.eventId}#${d.copy}.${d.attempt}`);
    expect(order(runs[1]!)).not.toEqual(order(runs[0]!));
  });

  it('without a seed picks one and returns it, so the run can be replayed', async () => {
    const server = await endpoint();
    const run = await simulateDeliveries({ url: server.url, secret: testSecret, events, duplicates: 0.5, reorder: true });
    const again = await simulateDeliveries({ url: server.url, secret: testSecret, events, duplicates: 0.5, reorder: true, seed: run.seed });
    expect(Number.isSafeInteger(run.seed)).toBe(true);
    expect(schedule(again)).toEqual(schedule(run));
  });
});

describe('simulateDeliveries: as Stripe sends', () => {
  it('signs every request so that stripe-node accepts it, with the headers Stripe sends', async () => {
    const server = await endpoint();
    const run = await simulateDeliveries({ url: server.url, secret: testSecret, events, seed: 3, duplicates: 0.3, reorder: true, concurrency: 2 });

    expect(server.requests.length).toBe(run.deliveries.length);
    expect(server.requests.every((request) => request.verified)).toBe(true);
    for (const request of server.requests) {
      expect(request.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' });
      // The body is the event as Stripe serializes it.
      expect(request.body).toBe(JSON.stringify(events.find((event) => event.id === request.eventId), null, 2));
    }
    // Signed as of the newest event's created time, plus the schedule's time.
    const newest = Math.max(...events.map((event) => event.created));
    for (const delivery of run.deliveries) expect(delivery.signature).toMatch(new RegExp(`^t=${newest + Math.floor(delivery.scheduledAt / 1000)},v1=[0-9a-f]{64}$`));
    expect(run.summary).toMatchObject({ events: events.length, acknowledged: events.length, unacknowledged: [], byStatus: { 200: run.deliveries.length } });
  });

  it('sends concurrent copies of an event at the same time: the server holds both at once', async () => {
    const options = { secret: testSecret, events, seed: 5, duplicates: 1, concurrency: 4 };
    // A first run shows which copies the seed sends together...
    const plain = await endpoint();
    const planned = new Map<string, number>();
    for (const d of (await simulateDeliveries({ ...options, url: plain.url })).deliveries) {
      if (d.concurrent && d.attempt === 1) planned.set(d.eventId, (planned.get(d.eventId) ?? 0) + 1);
    }
    expect(planned.size).toBeGreaterThan(0);

    // ...and the same seed against a server that answers none of them before all have arrived.
    // Sent one after the other, the first would be held until the guard gives up.
    const gates = new Map<string, { arrived: number; open: () => void; opened: Promise<void> }>();
    let gaveUp = false;
    const holding = await endpoint(async (request) => {
      const expected = planned.get(request.eventId);
      if (expected === undefined || request.earlier >= expected) return { status: 200 };
      let gate = gates.get(request.eventId);
      if (gate === undefined) {
        let open = () => {};
        const opened = new Promise<void>((resolve) => (open = resolve));
        gate = { arrived: 0, open, opened };
        gates.set(request.eventId, gate);
        setTimeout(() => ((gaveUp = true), open()), 10_000).unref();
      }
      if (++gate.arrived === expected) gate.open();
      await gate.opened;
      return { status: 200 };
    });
    await simulateDeliveries({ ...options, url: holding.url });

    expect(gaveUp).toBe(false);
    for (const [eventId, copies] of planned) expect(holding.maxInFlight.get(eventId)).toBe(copies);
  });

  it('delivers out of created order with reorder, and in created order without', async () => {
    const inOrder = await endpoint();
    const plain = await simulateDeliveries({ url: inOrder.url, secret: testSecret, events, seed: 8 });
    expect(inOrder.requests.map((request) => request.eventId)).toEqual(createdOrder);
    expect(plain.summary.outOfOrder).toBe(0);

    const shuffled = await endpoint();
    const run = await simulateDeliveries({ url: shuffled.url, secret: testSecret, events, seed: 8, reorder: true });
    const arrival = shuffled.requests.map((request) => request.eventId);
    expect(arrival).not.toEqual(createdOrder);
    expect([...arrival].sort()).toEqual([...createdOrder].sort());
    expect(run.summary.outOfOrder).toBeGreaterThan(0);
  });
});

describe('simulateDeliveries: retries on a compressed schedule', () => {
  it('retries a failing endpoint on Stripe\'s backoff until it answers 2xx', async () => {
    // Fails the first three deliveries of every event.
    const server = await endpoint((request) => ({ status: request.earlier < 3 ? 500 : 200 }));
    const run = await simulateDeliveries({ url: server.url, secret: testSecret, events, seed: 2 });

    for (const event of events) {
      const tries = run.deliveries.filter((d) => d.eventId === event.id);
      expect(tries.map((d) => [d.attempt, d.status])).toEqual([[1, 500], [2, 500], [3, 500], [4, 200]]);
      // 1, 2 and 4 minutes of Stripe's time (within 5% jitter), a minute taking a millisecond.
      for (const [index, minutes] of [1, 2, 4].entries()) {
        const gap = tries[index + 1]!.scheduledAt - tries[index]!.scheduledAt;
        expect(gap).toBeGreaterThanOrEqual(minutes * 0.95);
        expect(gap).toBeLessThanOrEqual(minutes * 1.05);
      }
    }
    expect(run.summary).toMatchObject({ retries: 3 * events.length, unacknowledged: [], byStatus: { 200: events.length, 500: 3 * events.length } });
  });

  it('gives up after 13 deliveries spread over less than three days of Stripe\'s time', async () => {
    const server = await endpoint(() => ({ status: 503 }));
    const speedup = 600_000;
    const run = await simulateDeliveries({ url: server.url, secret: testSecret, events: events.slice(0, 2), seed: 4, retry: { speedup } });

    for (const event of events.slice(0, 2)) {
      const tries = run.deliveries.filter((d) => d.eventId === event.id);
      expect(tries.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
      const stripeHours = ((tries.at(-1)!.scheduledAt - tries[0]!.scheduledAt) * speedup) / 3_600_000;
      expect(stripeHours).toBeGreaterThan(60);
      expect(stripeHours).toBeLessThanOrEqual(72);
    }
    expect(run.summary.unacknowledged).toEqual(
      events.slice(0, 2).map((event) => ({ eventId: event.id, type: event.type, deliveries: 13, lastStatus: 503, lastBody: '{"error":"failed"}' })),
    );
  });

  it('is bounded by maxAttempts, by retry: none and by timeLimitMs', async () => {
    const server = await endpoint(() => ({ status: 500 }));
    const two = events.slice(0, 2);
    const bounded = await simulateDeliveries({ url: server.url, secret: testSecret, events: two, seed: 1, retry: { maxAttempts: 3 } });
    expect(bounded.deliveries.map((d) => d.attempt)).toEqual([1, 1, 2, 2, 3, 3]);
    const once = await simulateDeliveries({ url: server.url, secret: testSecret, events: two, seed: 1, retry: 'none' });
    expect(once.deliveries).toHaveLength(2);
    // 40 ms is 40 minutes of Stripe's time: the sixth retry is due later than that.
    const limited = await simulateDeliveries({ url: server.url, secret: testSecret, events: two, seed: 1, timeLimitMs: 40 });
    expect(limited.summary.stoppedByTimeLimit).toBe(true);
    expect(Math.max(...limited.deliveries.map((d) => d.attempt))).toBeLessThan(7);
    expect(limited.summary.unacknowledged).toHaveLength(2);
  });

  it('retries requests that get no answer, and says why', async () => {
    // A port that was just free: nothing listens on it.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const run = await simulateDeliveries({ url: `http://127.0.0.1:${port}/v1/webhook`, secret: testSecret, events: events.slice(0, 1), seed: 1, retry: { maxAttempts: 2 } });
    expect(run.deliveries.map((d) => [d.attempt, d.status, d.ok])).toEqual([[1, 0, false], [2, 0, false]]);
    expect(run.deliveries[0]!.error).toMatch(/ECONNREFUSED/);
    expect(run.summary.byStatus).toEqual({ 0: 2 });
  });
});

describe('simulateDeliveries: options', () => {
  const url = 'http://127.0.0.1:9/v1/webhook';

  it.each([
    [{ duplicates: 1.5 }, /`duplicates` must be a share between 0 and 1/],
    [{ concurrency: 0 }, /`concurrency` must be a whole number of at least 1/],
    [{ events: [] }, /`events` must be a non-empty array/],
    [{ events: [{ id: 'evt_1' }] }, /`events\[0\]` must be a Stripe event/],
    [{ url: 'ftp://example.com' }, /`url` must be an http/],
    [{ secret: '' }, /`secret` must be the endpoint signing secret/],
    [{ retry: { maxAttempts: 0 } }, /`retry.maxAttempts` must be a whole number/],
    [{ seed: 1.5 }, /`seed` must be a whole number/],
  ])('refuses %o before sending anything', async (override, message) => {
    const options = { url, secret: testSecret, events, ...override } as Parameters<typeof simulateDeliveries>[0];
    await expect(simulateDeliveries(options)).rejects.toThrow(message);
    await expect(simulateDeliveries(options)).rejects.toMatchObject({ name: 'SimulationError', code: 'invalid_option' });
  });

  it('refuses events too old to sign by default, and says how to sign them now', async () => {
    const old = checkoutScenario('card', { orderId: 'ord_old', created: created - 3600 });
    const error = await simulateDeliveries({ url, secret: testSecret, events: old }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SimulationError);
    expect(error).toMatchObject({ code: 'stale_events', message: expect.stringContaining('signedAt: Math.floor(Date.now() / 1000)') });

    const server = await endpoint();
    const run = await simulateDeliveries({ url: server.url, secret: testSecret, events: old, signedAt: Math.floor(Date.now() / 1000), seed: 1 });
    expect(run.summary.acknowledged).toBe(old.length);
  });
});
