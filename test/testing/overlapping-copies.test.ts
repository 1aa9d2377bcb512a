// Concurrent copies meet the kit's handler: while the first copy is being processed, the others
// are answered 409 in_progress; the simulator retries them on the compressed schedule and they
// are answered as duplicates. The handler runs once per event.
import type Stripe from 'stripe';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { checkoutScenario, simulateDeliveries } from '../../src/entries/testing.js';
import { testSecret } from '../support/deliveries.js';
import { startRecordingEndpoint } from './recording-endpoint.js';
import { serveWebhookHandler, type ServedHandler } from './serve-webhook-handler.js';

const events = [...checkoutScenario('card', { orderId: 'ord_1' }), ...checkoutScenario('async-succeeded', { orderId: 'ord_2' })];
const options = { secret: testSecret, events, seed: 5, duplicates: 1, concurrency: 4 };
const planned = new Map<string, number>();
const arrivals = new Map<string, number>();
const runs = new Map<string, number>();
// Opened when every planned copy of the event has arrived.
const allArrived = new Map<string, { open: () => void; opened: Promise<void> }>();
let gaveUp = false;

function gate(eventId: string) {
  let entry = allArrived.get(eventId);
  if (entry === undefined) {
    let open = () => {};
    const opened = new Promise<void>((resolve) => (open = resolve));
    entry = { open, opened };
    allArrived.set(eventId, entry);
  }
  return entry;
}
let server: ServedHandler;

beforeAll(async () => {
  // The copies this seed sends together, learnt from a first run against a plain endpoint.
  const plain = await startRecordingEndpoint(testSecret);
  for (const d of (await simulateDeliveries({ ...options, url: plain.url })).deliveries) {
    if (d.concurrent && d.attempt === 1) planned.set(d.eventId, (planned.get(d.eventId) ?? 0) + 1);
  }
  await plain.close();

  // A handler that finishes only once every concurrent copy of its event has reached the server.
  const router = createWebhookRouter().onAny(async (event) => {
    runs.set(event.id, (runs.get(event.id) ?? 0) + 1);
    if ((arrivals.get(event.id) ?? 0) >= (planned.get(event.id) ?? 1)) return;
    // Sent one after the other, the copies would never meet: the guard ends the wait and fails the test.
    const guard = setTimeout(() => ((gaveUp = true), gate(event.id).open()), 10_000);
    await gate(event.id).opened;
    clearTimeout(guard);
  });
  server = await serveWebhookHandler(createWebhookHandler({ secret: testSecret, router, store: memoryStore(), logger: false }), (body) => {
    const { id } = JSON.parse(body) as Stripe.Event;
    arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
    if (arrivals.get(id) === planned.get(id)) gate(id).open();
  });
});
afterAll(() => server?.close());

it('answers overlapping copies 409, retries them, and runs the handler once per event', async () => {
  expect(planned.size).toBeGreaterThan(0);
  const run = await simulateDeliveries({ ...options, url: server.url });

  expect(gaveUp).toBe(false);
  expect(run.summary.unacknowledged).toEqual([]);
  for (const event of events) expect(runs.get(event.id)).toBe(1);
  for (const [eventId, copies] of planned) {
    const first = run.deliveries.filter((d) => d.eventId === eventId && d.concurrent && d.attempt === 1);
    expect(first.map((d) => d.status).sort()).toEqual([200, ...Array<number>(copies - 1).fill(409)]);
    for (const refused of first.filter((d) => d.status === 409)) {
      expect(refused.body).toBe('{"error":"in_progress"}');
      const retry = run.deliveries.find((d) => d.eventId === eventId && d.copy === refused.copy && d.attempt === 2);
      expect(retry).toMatchObject({ status: 200, body: '{"received":true,"duplicate":true}' });
    }
  }
  expect(run.summary.byStatus[409]).toBe([...planned.values()].reduce((sum, copies) => sum + copies - 1, 0));
});
