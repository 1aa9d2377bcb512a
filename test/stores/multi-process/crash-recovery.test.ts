// A process that dies in the middle of a handler holds its claim only until the lease ends:
// Stripe's retry then reaches another instance, which fulfills the order, once.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEvent } from '../../../src/entries/testing.js';
import { testSecret } from '../../support/deliveries.js';
import { pgUrl, redisUrl, serviceAvailable } from '../../support/services.js';
import { createFulfillmentTables, dropFulfillmentTables, fulfillmentTableNames } from './fulfillment-tables.js';
import { sharedStore, type StoreKind } from './shared-store.js';
import { deliverUntilAcknowledged, send } from './stripe-like-sender.js';
import { startWorker, stopWorkers, type WorkerProcess } from './worker-processes.js';
import type { WorkerConfig } from './worker-config.js';

const postgres = await serviceAvailable('PostgreSQL');
const redis = await serviceAvailable('Redis');
const leaseMs = 1000;

describe.each<StoreKind>(['postgres', 'redis'])('%s store when a worker process is killed mid-handler', (kind) => {
  const available = kind === 'postgres' ? postgres : postgres && redis;
  describe.skipIf(!available)('with a 1 s lease', () => {
    const tables = fulfillmentTableNames();
    const store = sharedStore(kind);
    let pool: pg.Pool;
    let doomed: WorkerProcess;
    let survivor: WorkerProcess;

    const config = (name: string, index: number, blockHandlers: boolean): WorkerConfig => ({
      name,
      express: index === 0 ? 'express5' : 'express4',
      store: store.forWorker(index),
      pgUrl,
      redisUrl,
      secret: testSecret,
      tables,
      leaseMs,
      handlerDelayMs: 0,
      blockHandlers,
    });

    beforeAll(async () => {
      pool = new pg.Pool({ connectionString: pgUrl, max: 2 });
      await createFulfillmentTables(pool, tables);
      // The doomed worker's handlers wait for a signal that never comes; the survivor's run through.
      [doomed, survivor] = await Promise.all([startWorker(config('doomed', 0, true)), startWorker(config('survivor', 1, false))]);
    });

    afterAll(async () => {
      await stopWorkers([doomed, survivor]);
      await dropFulfillmentTables(pool, tables);
      await store.remove(pool);
      await pool.end();
    });

    async function handlerStarted(orderId: string, worker: string): Promise<boolean> {
      // Bounded: a worker that never runs the handler fails the test instead of hanging it.
      for (let poll = 0; poll < 400; poll++) {
        const { rowCount } = await pool.query(`SELECT 1 FROM ${tables.runs} WHERE order_id = $1 AND worker = $2`, [orderId, worker]);
        if (rowCount === 1) return true;
        await sleep(50);
      }
      return false;
    }

    it('lets a retry on another worker fulfill the order once, after the lease', async () => {
      const orderId = `order_crash_${kind}`;
      const event = createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId } } } });

      const firstDelivery = send(event, doomed, { secret: testSecret, requestTimeoutMs: 30_000 });
      expect(await handlerStarted(orderId, 'doomed')).toBe(true);
      doomed.child.kill('SIGKILL');
      expect((await doomed.exited).signal).toBe('SIGKILL');
      expect((await firstDelivery).status).toBe('network_error');

      // Stripe retries; until the dead worker's lease ends, the survivor answers 409 and runs nothing.
      const retried = await deliverUntilAcknowledged(event, {
        secret: testSecret,
        pickEndpoint: () => survivor,
        maxAttempts: 100,
        requestTimeoutMs: 10_000,
        backoffMs: () => 100,
      });
      const answers = retried.attempts.map((attempt) => `${attempt.status} ${attempt.body}`);
      console.log(`[${kind} store] after SIGKILL: ${answers.length - 1} answers of 409 in_progress, then ${answers.at(-1)}`);
      expect(retried.acknowledged).toBe(true);
      expect(answers.at(-1)).toBe('200 {"received":true}');
      expect(new Set(answers.slice(0, -1))).toEqual(new Set(answers.length > 1 ? ['409 {"error":"in_progress"}'] : []));

      const orders = await pool.query(`SELECT fulfillments, fulfilled_by FROM ${tables.orders} WHERE order_id = $1`, [orderId]);
      expect(orders.rows).toEqual([{ fulfillments: 1, fulfilled_by: 'survivor' }]);
      const runs = await pool.query(`SELECT worker FROM ${tables.runs} WHERE order_id = $1 ORDER BY id`, [orderId]);
      expect(runs.rows.map((row: { worker: string }) => row.worker)).toEqual(['doomed', 'survivor']);

      // A later redelivery is recognised as done.
      const again = await send(event, survivor, { secret: testSecret, requestTimeoutMs: 10_000 });
      expect(`${again.status} ${again.body}`).toBe('200 {"received":true,"duplicate":true}');
      const after = await pool.query(`SELECT fulfillments FROM ${tables.orders} WHERE order_id = $1`, [orderId]);
      expect(after.rows).toEqual([{ fulfillments: 1 }]);
    });
  });
});
