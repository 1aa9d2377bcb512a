// The promise of the durable stores, end to end: several app instances behind a load balancer,
// Stripe's duplicate and concurrent deliveries, handlers that fail and are retried; every order
// is fulfilled once, and no event is lost.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEvent } from '../../../src/testing/index.js';
import { testSecret } from '../../support/deliveries.js';
import { pgUrl, redisUrl, serviceAvailable } from '../../support/services.js';
import { tallyDeliveries } from './delivery-tally.js';
import { createFulfillmentTables, dropFulfillmentTables, fulfillmentTableNames } from './fulfillment-tables.js';
import { seededRandom } from './seeded-random.js';
import { sharedStore, type StoreKind } from './shared-store.js';
import { deliverUntilAcknowledged, runWithConcurrency } from './stripe-like-sender.js';
import { startWorker, stopWorkers, type WorkerProcess } from './worker-processes.js';

const postgres = await serviceAvailable('PostgreSQL');
const redis = await serviceAvailable('Redis');

const workerCount = 4;
const orderCount = 2000;
const copiesPerEvent = 3;
const plannedFailureCount = orderCount / 10;
// Events whose copies are being delivered at once (three requests each).
const eventsInFlight = 16;
const seed = Number(process.env.SWK_SEED) || Math.floor(Math.random() * 2 ** 31);

describe.each<StoreKind>(['postgres', 'redis'])('%s store shared by 4 worker processes', (kind) => {
  // The orders table is in PostgreSQL whichever store deduplicates.
  const available = kind === 'postgres' ? postgres : postgres && redis;
  describe.skipIf(!available)('under duplicate, concurrent and failing deliveries', () => {
    const random = seededRandom(seed);
    const tables = fulfillmentTableNames();
    const store = sharedStore(kind);
    const orderIds = Array.from({ length: orderCount }, (_, index) => `order_${index + 1}`);
    const plannedFailures = random.shuffle(orderIds).slice(0, plannedFailureCount);
    let pool: pg.Pool;
    let workers: WorkerProcess[] = [];

    beforeAll(async () => {
      pool = new pg.Pool({ connectionString: pgUrl, max: 2 });
      await createFulfillmentTables(pool, tables, plannedFailures);
      workers = await Promise.all(
        Array.from({ length: workerCount }, (_, index) =>
          startWorker({
            name: `worker_${index + 1}`,
            express: index < workerCount / 2 ? 'express4' : 'express5',
            store: store.forWorker(index),
            pgUrl,
            redisUrl,
            secret: testSecret,
            tables,
            leaseMs: 60_000,
            handlerDelayMs: 5,
            blockHandlers: false,
          }),
        ),
      );
    });

    afterAll(async () => {
      await stopWorkers(workers);
      await dropFulfillmentTables(pool, tables);
      await store.remove(pool);
      await pool.end();
    });

    it(`fulfills each of ${orderCount} orders exactly once, each event sent ${copiesPerEvent} times at once`, { timeout: 600_000 }, async () => {
      const events = orderIds.map((orderId) => createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId } } } }));
      const sender = {
        secret: testSecret,
        pickEndpoint: () => workers[random.below(workers.length)] as WorkerProcess,
        maxAttempts: 20,
        requestTimeoutMs: 15_000,
        // Stripe backs off over hours; the shape (growing, jittered) is what matters here.
        backoffMs: (attempt: number) => 20 * 2 ** Math.min(attempt - 1, 4) + random.below(20),
      };
      const tasks = random.shuffle(events).map((event) => () => Promise.all(Array.from({ length: copiesPerEvent }, () => deliverUntilAcknowledged(event, sender))));

      const started = performance.now();
      const outcomes = (await runWithConcurrency(tasks, eventsInFlight)).flat();
      const seconds = (performance.now() - started) / 1000;

      const tally = tallyDeliveries(outcomes);
      const { rows } = await pool.query<{ orders: number; fulfillments: number; duplicated: number }>(
        `SELECT count(*)::int AS orders, coalesce(sum(fulfillments), 0)::int AS fulfillments, count(*) FILTER (WHERE fulfillments <> 1)::int AS duplicated
         FROM ${tables.orders}`,
      );
      const fulfilled = rows[0] as { orders: number; fulfillments: number; duplicated: number };
      const lost = orderCount - fulfilled.orders;
      const runs = Number((await pool.query(`SELECT count(*) FROM ${tables.runs}`)).rows[0].count);
      const failedOnPurpose = Number((await pool.query(`SELECT count(*) FROM ${tables.plannedFailures} WHERE failed_at IS NOT NULL`)).rows[0].count);

      console.log(
        [
          `[${kind} store] ${orderCount} events x ${copiesPerEvent} copies through ${workerCount} worker processes (seed ${seed}):`,
          `  ${tally.requests} deliveries in ${seconds.toFixed(1)} s = ${(tally.requests / seconds).toFixed(0)} deliveries/s (${(orderCount / seconds).toFixed(0)} events/s)`,
          `  duplicates suppressed: ${tally.duplicates + tally.inProgress} (${tally.duplicates} answered {"duplicate":true}, ${tally.inProgress} answered 409 in_progress)`,
          `  handler failures retried: ${tally.handlerFailed}; handler runs: ${runs}; lost events: ${lost}; orders fulfilled twice: ${fulfilled.duplicated}`,
        ].join('\n'),
      );

      expect(tally.unacknowledged).toBe(0);
      expect(tally.other).toEqual({});
      // Exactly one answer per event says it ran; every other copy was suppressed.
      expect(tally.processed).toBe(orderCount);
      expect(tally.duplicates).toBe(orderCount * (copiesPerEvent - 1));
      expect(tally.handlerFailed).toBe(plannedFailureCount);
      expect(failedOnPurpose).toBe(plannedFailureCount);
      // The store let a handler run only once per event, plus once more after each planned failure.
      expect(runs).toBe(orderCount + plannedFailureCount);
      expect(lost).toBe(0);
      expect(fulfilled).toEqual({ orders: orderCount, fulfillments: orderCount, duplicated: 0 });
    });
  });
});
