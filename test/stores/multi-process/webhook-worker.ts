// One app instance: Express with the kit's middleware, an order-fulfillment handler, and a store
// shared with the other instances. Run as its own Node process (`node --import tsx`).
import { setTimeout as sleep } from 'node:timers/promises';
import express4 from 'express4';
import express5 from 'express5';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createClient } from 'redis';
import { stripeWebhookMiddleware } from '../../../src/adapters/express.js';
import { createWebhookRouter } from '../../../src/router/create-webhook-router.js';
import { orderReference } from '../../../src/router/order-reference.js';
import { postgresStore } from '../../../src/stores/postgres-store.js';
import { redisStore } from '../../../src/stores/redis-store.js';
import type { IdempotencyStore, WebhookLogger } from '../../../src/types.js';
import type { WorkerConfig, WorkerMessage } from './worker-config.js';

const config = JSON.parse(process.env.WORKER_CONFIG ?? '') as WorkerConfig;
const { tables } = config;
const applicationName = config.transactional?.applicationName;
const pool = new pg.Pool({ connectionString: config.pgUrl, max: 6, application_name: applicationName });
// As every app must (see docs/reliability.md): a dropped idle connection is not a crash.
const ignore = () => undefined;
pool.on('error', ignore);
const closers: Array<() => Promise<unknown>> = [() => pool.end()];

async function openStore(): Promise<IdempotencyStore> {
  const store = config.store;
  if (store.kind === 'postgres') {
    if (config.transactional) {
      // Its own pool: a transaction holds one of its connections while the handler also writes
      // its run record through `pool`, which must not wait for a connection the transactions hold.
      const transactions = new pg.Pool({ connectionString: config.pgUrl, max: 6, application_name: applicationName });
      transactions.on('error', ignore);
      closers.push(() => transactions.end());
      return postgresStore(transactions, { table: store.table, transactional: true });
    }
    if (config.storeUrl === undefined) return postgresStore(pool, { table: store.table });
    const storePool = new pg.Pool({ connectionString: config.storeUrl, max: 6, connectionTimeoutMillis: 2_000 });
    storePool.on('error', ignore);
    closers.push(() => storePool.end());
    return postgresStore(storePool, { table: store.table });
  }
  const url = config.storeUrl ?? config.redisUrl;
  if (store.client === 'ioredis') {
    const client = new Redis(url);
    client.on('error', ignore);
    closers.push(() => client.quit());
    return redisStore(client, { prefix: store.prefix });
  }
  const client = await createClient({ url }).on('error', ignore).connect();
  closers.push(() => client.close());
  return redisStore(client, { prefix: store.prefix });
}

const router = createWebhookRouter();
router.onCheckoutPaid(async (session, event, ctx) => {
  const orderId = orderReference(session);
  await pool.query(`INSERT INTO ${tables.runs} (order_id, event_id, worker) VALUES ($1, $2, $3)`, [orderId, event.id, config.name]);
  if (config.blockHandlers) {
    while ((await pool.query(`SELECT 1 FROM ${tables.signals} WHERE order_id = $1`, [orderId])).rowCount === 0) await sleep(25);
  }
  if (config.handlerDelayMs > 0) await sleep(config.handlerDelayMs);
  const planned = await pool.query(`UPDATE ${tables.plannedFailures} SET failed_at = clock_timestamp() WHERE order_id = $1 AND failed_at IS NULL RETURNING 1`, [
    orderId,
  ]);
  if (planned.rowCount === 1) throw new Error(`planned failure of order ${orderId}`);
  // Not idempotent on purpose: a second fulfillment shows up as fulfillments = 2. Transactional
  // workers write it through ctx.db (the run and planned-failure records above stay outside).
  await (ctx.db ?? pool).query(
    `INSERT INTO ${tables.orders} (order_id, fulfillments, fulfilled_by) VALUES ($1, 1, $2)
     ON CONFLICT (order_id) DO UPDATE SET fulfillments = ${tables.orders}.fulfillments + 1`,
    [orderId, config.name],
  );
});

// Planned failures are expected; anything else the kit reports goes to the test's output.
const logger: WebhookLogger = {
  info() {},
  warn() {},
  error(message, details) {
    if (String(details?.error).includes('planned failure')) return;
    if (config.storeFaultsExpected && message.startsWith('the idempotency store')) return;
    // The transactional test kills these workers' connections on purpose.
    if (config.transactional) return;
    console.error(`[${config.name}] ${message}`, details);
  },
};

const store = await openStore();
const app = config.express === 'express4' ? express4() : express5();
app.post('/v1/webhook', stripeWebhookMiddleware({ secret: config.secret, router, store, leaseMs: config.leaseMs, logger }));
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const message: WorkerMessage = { ready: true, port: typeof address === 'object' && address ? address.port : 0 };
  process.send?.(message);
});

async function shutdown() {
  server.close();
  server.closeAllConnections();
  await Promise.allSettled(closers.map((close) => close()));
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
// The test process went away (crashed, killed): do not outlive it.
process.on('disconnect', () => void shutdown());
