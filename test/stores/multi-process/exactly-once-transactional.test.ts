// Exactly-once effects under load: 4 worker processes with postgresStore({ transactional: true }),
// each event delivered 3 times at once, planned handler failures, and every PostgreSQL session of
// the workers killed over and over mid-run (pg_terminate_backend, only for the workers' own
// application_name on the shared server). The fulfillment is a non-idempotent `+ 1` through ctx.db:
// every order must end with exactly one.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pause } from '../../../src/handler/deadline.js';
import { createTestEvent } from '../../../src/testing/index.js';
import { testSecret } from '../../support/deliveries.js';
import { pgUrl, redisUrl, serviceAvailable, uniqueName } from '../../support/services.js';
import { tallyDeliveries } from './delivery-tally.js';
import { createFulfillmentTables, dropFulfillmentTables, fulfillmentTableNames } from './fulfillment-tables.js';
import { seededRandom } from './seeded-random.js';
import { sharedStore } from './shared-store.js';
import { deliverUntilAcknowledged, runWithConcurrency } from './stripe-like-sender.js';
import { startWorker, stopWorkers, type WorkerProcess } from './worker-processes.js';

const postgres = await serviceAvailable('PostgreSQL');

const workerCount = 4;
const orderCount = 2000;
const copiesPerEvent = 3;
const plannedFailureCount = orderCount / 10;
const eventsInFlight = 16;
// How often the workers' sessions are killed while deliveries run (load, not a timing assumption).
const killEveryMs = 250;
const seed = Number(process.env.SWK_SEED) || Math.floor(Math.random() * 2 ** 31);

describe.skipIf(!postgres)('transactional postgres store shared by 4 worker processes, connections killed mid-run', () => {
  const random = seededRandom(seed);
  const tables = fulfillmentTableNames();
  const store = sharedStore('postgres');
  const applicationName = uniqueName('txworker');
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
          // Short: a killed session may also lose the release, and the lease then has to run out.
          leaseMs: 3_000,
          handlerDelayMs: 5,
          blockHandlers: false,
          transactional: { applicationName },
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

  it(`fulfills each of ${orderCount} orders exactly once through ctx.db`, { timeout: 600_000 }, async () => {
    const events = orderIds.map((orderId) => createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId } } } }));
    const sender = {
      secret: testSecret,
      pickEndpoint: () => workers[random.below(workers.length)] as WorkerProcess,
      maxAttempts: 30,
      requestTimeoutMs: 15_000,
      backoffMs: (attempt: number) => 20 * 2 ** Math.min(attempt - 1, 4) + random.below(20),
    };
    const tasks = random.shuffle(events).map((event) => () => Promise.all(Array.from({ length: copiesPerEvent }, () => deliverUntilAcknowledged(event, sender))));

    let delivering = true;
    let killed = 0;
    const killer = (async () => {
      while (delivering) {
        await pause(killEveryMs);
        const { rows } = await pool.query<{ killed: number }>(
          'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        );
        killed += rows[0]?.killed ?? 0;
      }
    })();
    const started = performance.now();
    const outcomes = (await runWithConcurrency(tasks, eventsInFlight).finally(() => (delivering = false))).flat();
    const seconds = (performance.now() - started) / 1000;
    await killer;

    const tally = tallyDeliveries(outcomes);
    const { rows } = await pool.query<{ orders: number; fulfillments: number; duplicated: number }>(
      `SELECT count(*)::int AS orders, coalesce(sum(fulfillments), 0)::int AS fulfillments, count(*) FILTER (WHERE fulfillments <> 1)::int AS duplicated
       FROM ${tables.orders}`,
    );
    const fulfilled = rows[0] as { orders: number; fulfillments: number; duplicated: number };
    const runs = Number((await pool.query(`SELECT count(*) FROM ${tables.runs}`)).rows[0].count);
    const failedOnPurpose = Number((await pool.query(`SELECT count(*) FROM ${tables.plannedFailures} WHERE failed_at IS NOT NULL`)).rows[0].count);

    console.log(
      [
        `[transactional postgres store] ${orderCount} events x ${copiesPerEvent} copies through ${workerCount} worker processes (seed ${seed}):`,
        `  ${tally.requests} deliveries in ${seconds.toFixed(1)} s; ${killed} worker sessions killed mid-run`,
        `  handler runs: ${runs} (${runs - orderCount} more than events: planned failures and runs cut by a kill, all rolled back)`,
        `  answers: ${JSON.stringify({ ...tally, requests: undefined })}`,
        `  orders fulfilled twice: ${fulfilled.duplicated}`,
      ].join('\n'),
    );

    expect(killed).toBeGreaterThan(0);
    expect(tally.unacknowledged).toBe(0);
    expect(failedOnPurpose).toBe(plannedFailureCount);
    // Handlers ran more often than there are events (retries after failures and kills), yet each
    // order's non-idempotent write is there exactly once.
    expect(runs).toBeGreaterThanOrEqual(orderCount + plannedFailureCount);
    expect(fulfilled).toEqual({ orders: orderCount, fulfillments: orderCount, duplicated: 0 });
  });
});
