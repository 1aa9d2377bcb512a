// Bun, Deno and Node run the probe as a script: probe-main.ts <runtime> <target url>. On Bun and
// Deno it also claims through the PostgreSQL and Redis stores with the clients that work there
// (DATABASE_URL and REDIS_URL), as everywhere through the memory store.
import { Redis } from 'ioredis';
import pg from 'pg';
import { memoryStore, type IdempotencyStore } from 'stripe-webhook-kit';
import { postgresStore } from 'stripe-webhook-kit/postgres';
import { redisStore } from 'stripe-webhook-kit/redis';
import { probe } from './probe.ts';
import { handlerSpans } from './telemetry-probe.ts';

const [runtime = 'unknown', target = ''] = process.argv.slice(2);
const stores: Record<string, IdempotencyStore> = { memory: memoryStore() };
const pool = process.env.DATABASE_URL ? new pg.Pool({ connectionString: process.env.DATABASE_URL }) : undefined;
const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : undefined;
pool?.on('error', (error) => console.error('postgres pool', error));
if (pool) stores.postgres = postgresStore(pool, { table: 'swk_runtime_probe' });
if (redis) stores.redis = redisStore(redis, { prefix: 'swk-runtime-probe:' });
try {
  const report = await probe(runtime, target, process.env.STRIPE_WEBHOOK_SECRET ?? '', stores);
  console.log(`probe ${JSON.stringify({ ...report, spans: await handlerSpans(false) })}`);
} finally {
  await pool?.end();
  redis?.disconnect();
}
