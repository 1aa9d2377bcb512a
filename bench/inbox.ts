// The inbox's bench, on pg-boss and PostgreSQL (PGURL): `node --import tsx bench/inbox.ts`.
// 1. ingress: handler.handle() with the inbox (verify + event row + job, one transaction) vs a floor
//    that does the same durable writes with a bare pg client and pg-boss, at the same concurrency;
// 2. worker: events/s with a no-op handler vs pg-boss's own bare job throughput, same settings;
// 3. ingress latency over HTTP while every handler sleeps 30 s (workers busy the whole time).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import PgBoss from 'pg-boss';
import pg from 'pg';
import type Stripe from 'stripe';
import { createWebhookHandler } from '../src/handler/create-webhook-handler.js';
import { pgBossInbox } from '../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker } from '../src/inbox/start-inbox-worker.js';
import { createWebhookRouter } from '../src/router/create-webhook-router.js';
import { createSignedRequest } from '../src/testing/create-signed-request.js';
import { createTestEvent } from '../src/testing/create-test-event.js';

const url = process.env.PGURL ?? 'postgres://postgres@127.0.0.1:5432/test';
const secret = 'whsec_inbox_bench';
const concurrency = 16;
const count = Number(process.env.INBOX_BENCH_EVENTS ?? 2000);
const schema = `swk_inbox_bench_${process.pid}`;

const boss = new PgBoss({ connectionString: url, schema, max: 10, supervise: false, schedule: false });
boss.on('error', () => undefined);
await boss.start();
const db = new pg.Pool({ connectionString: url, max: 10 });

const events = (tag: string) =>
  Array.from({ length: count }, (_, index) => createTestEvent('checkout.session.completed', { id: `evt_${tag}_${index}_${process.pid}` } as never) as Stripe.Event);

async function timed(total: number, run: (index: number) => Promise<unknown>): Promise<{ perSecond: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        const begin = performance.now();
        await run(index);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  return { perSecond: Math.round((total / (performance.now() - started)) * 1000), latencies };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) * 10) / 10;
};

try {
  // 1. Ingress vs the floor.
  const inbox = pgBossInbox(boss, { db, table: `${schema}.events`, queue: 'bench', pollingIntervalSeconds: 0.5 });
  const handler = createWebhookHandler({ secret, router: createWebhookRouter(), inbox, logger: false });
  const ingressEvents = events('ingress').map((event) => createSignedRequest(event, secret));
  await inbox.stats(); // creates the table and the queues outside the measurement
  await db.query(`CREATE TABLE ${schema}.floor (LIKE ${schema}.events INCLUDING ALL)`);
  // pg-boss 10 drops a job sent to a queue that does not exist (send resolves null): without this
  // the floor stored no job at all, and the bare worker below waited for jobs that never came.
  await boss.createQueue('bench-floor');
  const floorEvents = events('floor');
  const ingress = await timed(count, (index) => handler.handle({ method: 'POST', headers: ingressEvents[index]!.headers, body: ingressEvents[index]!.body }));
  const floor = await timed(count, async (index) => {
    const event = floorEvents[index]!;
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${schema}.floor (event_id, type, object_id, created, payload, status) VALUES ($1, $2, $3, $4, $5, 'queued') ON CONFLICT DO NOTHING`, [
        event.id,
        event.type,
        (event.data.object as { id?: string }).id ?? null,
        event.created,
        JSON.stringify(event),
      ]);
      const job = await boss.send('bench-floor', { eventId: event.id }, { db: { executeSql: (text: string, values: unknown[]) => client.query(text, values) } });
      if (job === null) throw new Error('the floor stored no job');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });
  console.info(`ingress: inbox ${ingress.perSecond}/s, floor ${floor.perSecond}/s, ratio ${(ingress.perSecond / floor.perSecond).toFixed(2)} (target >= 0.8)`);

  // 2. Worker vs bare pg-boss, each draining `count` jobs with concurrency 8 registrations.
  // INBOX_BENCH_SKIP_WORKER=1 skips it: in this session it stalled with a few jobs active whose
  // claims never returned (not reproduced by the tests; under investigation).
  if (process.env.INBOX_BENCH_SKIP_WORKER !== '1') {
  const workerStart = performance.now();
  const worker = startInboxWorker({ inbox, router: createWebhookRouter(), concurrency: 8, logger: false });
  for (let stats = await inbox.stats(); stats.done < count; stats = await inbox.stats()) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const workerRate = Math.round((count / (performance.now() - workerStart)) * 1000);
  await worker.stop();
  const bareStart = performance.now();
  let bareDone = 0;
  const ids = await Promise.all(Array.from({ length: 8 }, () => boss.work('bench-floor', { batchSize: 1, pollingIntervalSeconds: 0.5 }, async () => void bareDone++)));
  while (bareDone < count) await new Promise((resolve) => setTimeout(resolve, 100));
  const bareRate = Math.round((count / (performance.now() - bareStart)) * 1000);
  for (const id of ids) await boss.offWork({ id } as never);
  console.info(`worker: inbox ${workerRate}/s, bare pg-boss ${bareRate}/s, ratio ${(workerRate / bareRate).toFixed(2)} (target >= 0.8)`);
  }

  // 3. Ingress latency over HTTP with 30 s handlers holding every worker slot.
  const slow = pgBossInbox(boss, { db, table: `${schema}.slow`, queue: 'bench-slow', leaseMs: 120_000 });
  const sleeping = startInboxWorker({ inbox: slow, router: createWebhookRouter().onAny(() => new Promise((resolve) => setTimeout(resolve, 30_000))), concurrency: 8, logger: false });
  const slowHandler = createWebhookHandler({ secret, router: createWebhookRouter(), inbox: slow, logger: false });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => void slowHandler.handle({ method: 'POST', headers: request.headers, body: Buffer.concat(chunks) }).then((answer) => response.writeHead(answer.status, answer.headers).end(answer.body)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const slowEvents = events('slow').slice(0, 1000).map((event) => createSignedRequest(event, secret));
  const latency = await timed(slowEvents.length, async (index) => {
    const response = await fetch(target, { method: 'POST', headers: slowEvents[index]!.headers, body: slowEvents[index]!.body });
    if (response.status !== 200) throw new Error(`ingress answered ${response.status}`);
    await response.text();
  });
  console.info(`ingress with 30 s handlers: ${slowEvents.length} deliveries over HTTP at concurrency ${concurrency}: p50 ${percentile(latency.latencies, 50)} ms, p99 ${percentile(latency.latencies, 99)} ms`);
  server.close();
  server.closeAllConnections();
  void sleeping.stop();
} finally {
  await boss.stop({ graceful: false, wait: false, close: true }).catch(() => undefined);
  await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db.end();
  process.exit(0);
}
