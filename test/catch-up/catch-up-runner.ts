// One app instance running catchUp in its own process: its handlers record each event they ran
// in a PostgreSQL table, so the test can count, across processes, how often each one ran.
import pg from 'pg';
import { Redis } from 'ioredis';
import Stripe from 'stripe';
import { catchUp } from '../../src/catch-up/catch-up.js';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { postgresStore } from '../../src/stores/postgres-store.js';
import { redisStore } from '../../src/stores/redis-store.js';
import { handledTypes } from './outage.js';

export interface RunnerConfig {
  name: string;
  store: { kind: 'postgres'; table: string } | { kind: 'redis'; prefix: string };
  pgUrl: string;
  redisUrl: string;
  ranTable: string;
  api: { port: number; apiKey: string };
  since: number;
  nowMs: number;
}

const config = JSON.parse(process.env.RUNNER_CONFIG as string) as RunnerConfig;
const pool = new pg.Pool({ connectionString: config.pgUrl, max: 4 });
// An idle client's error (a restarted server) must not crash the runner, as the docs advise.
pool.on('error', (error) => console.error('pool error:', error.message));
const redis = config.store.kind === 'redis' ? new Redis(config.redisUrl) : undefined;
const store = config.store.kind === 'postgres' ? postgresStore(pool, { table: config.store.table }) : redisStore(redis as Redis, { prefix: config.store.prefix });

const router = createWebhookRouter().on(handledTypes, async (event) => {
  await pool.query(`INSERT INTO ${config.ranTable} (event_id, runner) VALUES ($1, $2)`, [event.id, config.name]);
});
const handler = createWebhookHandler({ secret: 'whsec_unused_by_catch_up', router, store, logger: false });
const stripe = new Stripe(config.api.apiKey, { host: '127.0.0.1', port: config.api.port, protocol: 'http', maxNetworkRetries: 0 });

try {
  const result = await catchUp({ stripe, since: config.since, router, handler, now: () => config.nowMs });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await pool.end();
  redis?.disconnect();
}
