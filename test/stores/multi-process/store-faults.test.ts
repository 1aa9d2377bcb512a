// The stores under fire: four app instances share a store whose server the test owns,
// and while Stripe-like senders deliver every event three times at once (re-sending every non-2xx,
// as Stripe does), the test kills the store's connections and crashes and restarts its server.
// Counted: events, lost events, handlers run twice, hung requests, crashed workers. The shared
// PostgreSQL (the orders) and Redis are never touched.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEvent } from '../../../src/entries/testing.js';
import { testSecret } from '../../support/deliveries.js';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/private-redis.js';
import { pgUrl, redisUrl, serviceAvailable, uniqueName } from '../../support/services.js';
import { tallyDeliveries } from './delivery-tally.js';
import { createFulfillmentTables, dropFulfillmentTables, fulfillmentTableNames } from './fulfillment-tables.js';
import { seededRandom } from '../../../src/testing/seeded-random.js';
import { deliverUntilAcknowledged, runWithConcurrency } from './stripe-like-sender.js';
import { startWorker, stopWorkers, type WorkerProcess } from './worker-processes.js';

const postgres = await serviceAvailable('PostgreSQL');

const workerCount = 4;
const eventCount = Number(process.env.SWK_FAULT_EVENTS) || 600;
const copiesPerEvent = 3;
const eventsInFlight = 16;
// Short enough that a claim whose reply was lost with its connection frees up within the run.
const leaseMs = 8_000;
// A fixed seed, so that a failure is the same failure when run again; SWK_SEED explores others.
const seed = Number(process.env.SWK_SEED) || 20_261_207;

type Fault = 'kill connections' | 'crash and restart';
// When each fault strikes, as a share of the events whose delivery has started.
const faultPlan: Array<[number, Fault]> = [
  [0.1, 'kill connections'],
  [0.25, 'crash and restart'],
  [0.45, 'kill connections'],
  [0.6, 'crash and restart'],
  [0.8, 'kill connections'],
];

interface StoreServer {
  url: string;
  killConnections(): Promise<unknown>;
  crashAndRestart(): Promise<void>;
  remove(): Promise<void>;
}

const servers: Record<'postgres' | 'redis', () => Promise<StoreServer>> = {
  async postgres() {
    const server: PrivatePostgres = await startPrivatePostgres();
    return {
      url: server.url,
      killConnections: () => server.killConnections(),
      crashAndRestart: async () => {
        await server.crash();
        await server.start();
      },
      remove: () => server.remove(),
    };
  },
  async redis() {
    const server: PrivateRedis = await startPrivateRedis({ persistent: true });
    return { url: server.url, killConnections: () => server.killConnections(), crashAndRestart: () => server.restart(), remove: () => server.stop() };
  },
};

describe.each(['redis', 'postgres'] as const)('%s store: its server crashed, restarted and its connections killed under load', (kind) => {
  describe.skipIf(!postgres)('4 worker processes, 3 concurrent copies of each event', () => {
    const random = seededRandom(seed);
    const tables = fulfillmentTableNames();
    const orderIds = Array.from({ length: eventCount }, (_, index) => `order_${index + 1}`);
    const plannedFailures = random.shuffle(orderIds).slice(0, eventCount / 10);
    let pool: pg.Pool;
    let server: StoreServer;
    let workers: WorkerProcess[] = [];

    beforeAll(async () => {
      pool = new pg.Pool({ connectionString: pgUrl, max: 2 });
      pool.on('error', () => undefined);
      server = await servers[kind]();
      await createFulfillmentTables(pool, tables, plannedFailures);
      const name = uniqueName('events');
      workers = await Promise.all(
        Array.from({ length: workerCount }, (_, index) =>
          startWorker({
            name: `worker_${index + 1}`,
            express: index % 2 === 0 ? 'express4' : 'express5',
            store: kind === 'postgres' ? { kind, table: name } : { kind, client: index % 2 === 0 ? 'ioredis' : 'node-redis', prefix: `${name}:` },
            pgUrl,
            redisUrl,
            storeUrl: server.url,
            storeFaultsExpected: true,
            secret: testSecret,
            tables,
            leaseMs,
            handlerDelayMs: 5,
            blockHandlers: false,
          }),
        ),
      );
    }, 60_000);

    afterAll(async () => {
      await stopWorkers(workers);
      await dropFulfillmentTables(pool, tables);
      await pool.end();
      await server?.remove();
    }, 60_000);

    it(`loses no event, runs none twice, hangs no request and crashes no worker (${eventCount} events)`, { timeout: 120_000 }, async () => {
      const events = orderIds.map((orderId) => createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId } } } }));
      const sender = {
        secret: testSecret,
        pickEndpoint: () => workers[random.below(workers.length)] as WorkerProcess,
        maxAttempts: 80,
        requestTimeoutMs: 15_000,
        // Stripe backs off over hours; compressed here, but spanning a lease and a restart.
        backoffMs: (attempt: number) => 25 * 2 ** Math.min(attempt - 1, 5) + random.below(50),
      };
      const faults: Array<Promise<string>> = [];
      let started = 0;
      const strike = () => {
        started++;
        for (const [share, fault] of faultPlan) {
          if (started !== Math.ceil(share * eventCount)) continue;
          const run = fault === 'kill connections' ? server.killConnections() : server.crashAndRestart();
          faults.push(run.then(() => fault));
        }
      };
      const tasks = random.shuffle(events).map((event) => () => {
        strike();
        return Promise.all(Array.from({ length: copiesPerEvent }, () => deliverUntilAcknowledged(event, sender)));
      });

      const begun = performance.now();
      const outcomes = (await runWithConcurrency(tasks, eventsInFlight)).flat();
      const seconds = (performance.now() - begun) / 1000;
      const struck = await Promise.all(faults);

      const tally = tallyDeliveries(outcomes);
      const hung = outcomes.flatMap((outcome) => outcome.attempts).filter((attempt) => attempt.status === 'timeout').length;
      const crashed = workers.filter((worker) => worker.child.exitCode !== null || worker.child.signalCode !== null).length;
      const { rows } = await pool.query<{ orders: number; twice: number }>(`SELECT count(*)::int AS orders, count(*) FILTER (WHERE fulfillments > 1)::int AS twice FROM ${tables.orders}`);
      const fulfilled = rows[0] as { orders: number; twice: number };
      const lost = eventCount - fulfilled.orders;
      const runs = Number((await pool.query(`SELECT count(*) FROM ${tables.runs}`)).rows[0].count);

      console.log(
        [
          `[${kind} store under faults] ${eventCount} events x ${copiesPerEvent} copies, ${workerCount} workers, seed ${seed}, ${seconds.toFixed(1)} s`,
          `  faults: ${struck.join(', ')}`,
          `  ${tally.requests} deliveries: ${tally.processed} processed, ${tally.duplicates} duplicate, ${tally.inProgress} in_progress, ${tally.handlerFailed} handler_failed, other ${JSON.stringify(tally.other)}`,
          `  events ${eventCount}, lost ${lost}, handlers run twice ${fulfilled.twice}, hung requests ${hung}, crashes ${crashed}, handler runs ${runs}`,
        ].join('\n'),
      );

      expect(struck).toHaveLength(faultPlan.length);
      expect(tally.unacknowledged).toBe(0);
      expect(lost).toBe(0);
      expect(fulfilled.twice).toBe(0);
      expect(hung).toBe(0);
      expect(crashed).toBe(0);
    });
  });
});
