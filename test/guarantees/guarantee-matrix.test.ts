// The guarantee matrix: every path that runs handlers, against every situation that applies to
// it, each cell one expected answer. The same step runs handlers everywhere, so the answers agree
// across a row. The table in docs/reliability.md is generated from this file: `WRITE_DOCS=1 npx
// vitest run test/guarantees/guarantee-matrix.test.ts` rewrites it, and every run checks it.
import { readFileSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { bullmqInbox } from '../../src/inbox/bullmq/bullmq-inbox.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker } from '../../src/inbox/start-inbox-worker.js';
import type { Inbox } from '../../src/inbox/types.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { NonRetryableError } from '../../src/router/non-retryable-error.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { postgresStore } from '../../src/stores/postgres-store.js';
import { redisStore } from '../../src/stores/redis-store.js';
import type { IdempotencyStore, TransactionClient, WebhookContext } from '../../src/types.js';
import { startPgBossOnPglite, startPgBossOnPostgres, type PgBossSetup } from '../support/pg-boss-engines.js';
import { testSecret } from '../support/deliveries.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { redisUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { startStripeApiStandIn } from '../support/stripe-api/events-server.js';
import { waitUntil } from '../support/wait-until.js';
import { expected } from './matrix-expected.js';
import { catchUpPath, closedPglite, refusedPostgresUrl, deliverHttp, httpPath, trustedPath, type Path } from './matrix-paths.js';

/** What the handlers of one cell do; `second` is a second handler for the same event. */
interface Behaviour {
  first: (ctx: WebhookContext) => unknown;
  second?: (ctx: WebhookContext) => unknown;
}

const deadlineMs = 300;
const hang = (ctx: WebhookContext) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(observed.add('signal aborted'))));
const observed = new Set<string>();

const situations = {
  'handler throws': { first: () => Promise.reject(new Error('boom')) },
  NonRetryableError: { first: () => Promise.reject(new NonRetryableError('not for us')) },
  'NonRetryableError and Error (AggregateError)': { first: () => Promise.reject(new NonRetryableError('a')), second: () => Promise.reject(new Error('b')) },
  'every handler NonRetryableError': { first: () => Promise.reject(new NonRetryableError('a')), second: () => Promise.reject(new NonRetryableError('b')) },
  'unprintable throw (revoked Proxy)': { first: () => Promise.reject(revokedProxy()) },
  'hang past the deadline': { first: hang },
} satisfies Record<string, Behaviour>;
type Situation =
  | keyof typeof situations
  | 'duplicate'
  | 'concurrent duplicate'
  | 'ctx.db used after settling'
  | 'stop mid-handler'
  | 'replay of a done event'
  | 'store or engine unreachable';

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

let current: Behaviour = { first: () => undefined };
let captured: TransactionClient | undefined;
let runs = 0;
const router = createWebhookRouter()
  .onAny((_event, ctx) => {
    runs++;
    captured = ctx.db;
    return current.first(ctx);
  })
  .onAny((_event, ctx) => current.second?.(ctx));

const inboxOptions = { queue: 'matrix', leaseMs: 1000, retry: { limit: 1, delaySeconds: 60 } };

/** `down` is the same inbox over an engine that cannot be reached. */
function inboxPath(name: string, inbox: Inbox, down: Inbox, transactional: boolean, close: () => Promise<void>): Path {
  const ingress = createWebhookHandler({ secret: testSecret, router, inbox, logger: false, telemetry: false });
  const downIngress = createWebhookHandler({ secret: testSecret, router, inbox: down, logger: false, telemetry: false, storeTimeoutMs: 200 });
  const answerOf = async (id: string): Promise<string | undefined> => {
    const record = await inbox.get(id);
    if (!record || record.status === 'queued' || record.status === 'processing') return undefined;
    if (record.attempts[0]?.error?.includes('handler_timeout') || record.attempts[0]?.error?.includes('handlerTimeoutMs')) return 'handler_timeout';
    return record.status === 'done' ? 'processed' : record.status;
  };
  const settled = async (id: string) => {
    let answer: string | undefined;
    await waitUntil(`${id} is settled`, async () => (answer = await answerOf(id)) !== undefined, 20_000);
    return answer as string;
  };
  const work = async <T>(during: () => Promise<T>, handlerTimeoutMs = deadlineMs): Promise<T> => {
    const worker = startInboxWorker({ inbox, router, logger: false, telemetry: false, handlerTimeoutMs });
    try {
      return await during();
    } finally {
      await worker.stop({ graceMs: 5_000 });
    }
  };
  const deliver = async (id: string) => {
    const queued = await deliverHttp(ingress, id);
    return queued === 'duplicate' ? queued : work(() => settled(id));
  };
  return {
    name,
    transactional,
    deliver,
    async special(situation, id) {
      if (situation === 'replay of a done event') {
        current = { first: () => undefined };
        await deliver(id);
        const plain = await inbox.replay({ ids: [id] });
        const once = runs;
        const withDone = await inbox.replay({ ids: [id], includeDone: true });
        // The replay re-queues the event: wait for the second run, then for it to settle.
        const rerun = await work(async () => {
          await waitUntil(`${id} runs again`, () => runs > once, 20_000);
          return settled(id);
        });
        return `${plain} re-queued, handlers ran ${once}x; with includeDone ${withDone} re-queued, runs again: ${rerun}, handlers ran ${runs}x`;
      }
      if (situation !== 'stop mid-handler') return undefined;
      current = { first: hang };
      // A deadline longer than the grace: the stop, not the deadline, abandons the handler.
      const worker = startInboxWorker({ inbox, router, logger: false, telemetry: false, handlerTimeoutMs: 900 });
      await deliverHttp(ingress, id);
      await waitUntil('the handler runs', () => runs > 0, 20_000);
      await worker.stop({ graceMs: 50 });
      return settled(id);
    },
    unreachable: (id) => deliverHttp(downIngress, id),
    close,
  };
}

const redis = await serviceAvailable('Redis');
const postgresUp = await serviceAvailable('PostgreSQL');
const paths: Path[] = [];
beforeAll(async () => {
  const options = { secret: testSecret, router, logger: false as const, telemetry: false as const, handlerTimeoutMs: deadlineMs };
  const storeDown = { ...options, storeTimeoutMs: 200 };
  const handlerOn = (store: IdempotencyStore) => createWebhookHandler({ ...options, store });
  const deadPglite = await closedPglite();
  const downHandler = createWebhookHandler({ ...storeDown, store: postgresStore(deadPglite, { transactional: true, logger: false }) });
  paths.push(httpPath('HTTP, memoryStore', handlerOn(memoryStore())));
  const pglite = await PGlite.create();
  paths.push(
    httpPath('HTTP, postgresStore transactional (PGlite)', handlerOn(postgresStore(pglite, { transactional: true, logger: false })), {
      transactional: true,
      close: () => pglite.close(),
      down: downHandler,
    }),
  );
  paths.push(trustedPath(handlerOn(memoryStore()), downHandler));
  paths.push(catchUpPath(await startStripeApiStandIn(), handlerOn(memoryStore()), downHandler));
  const engine: PgBossSetup = await startPgBossOnPglite();
  const onPglite = pgBossInbox(engine.boss, { db: engine.db, ...inboxOptions, transactional: true, pollingIntervalSeconds: 0.5 });
  const pgliteDown = pgBossInbox(engine.boss, { db: deadPglite, ...inboxOptions, transactional: true });
  paths.push(inboxPath('inbox: pg-boss on PGlite, transactional', onPglite, pgliteDown, true, () => engine.close()));
  if (postgresUp) {
    const onPostgres = await startPgBossOnPostgres();
    const pool = new pg.Pool({ connectionString: refusedPostgresUrl });
    // The event log in the engine's own schema, which its close drops: each run starts empty.
    const logOptions = { table: onPostgres.table, ...inboxOptions, transactional: true };
    const postgresDown = pgBossInbox(onPostgres.boss, { db: pool, ...logOptions });
    const postgres = pgBossInbox(onPostgres.boss, { db: onPostgres.db, ...logOptions, pollingIntervalSeconds: 0.5 });
    paths.push(
      inboxPath('inbox: pg-boss on PostgreSQL, transactional', postgres, postgresDown, true, async () => {
        await onPostgres.close();
        await pool.end();
      }),
    );
  }
  if (redis) {
    const prefix = uniqueName('matrix');
    const client = new Redis(redisUrl, { maxRetriesPerRequest: null });
    // BullMQ's settings: commands wait for the connection, so the deadline is what answers.
    const closed = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: null, lazyConnect: true });
    closed.on('error', () => undefined);
    const store = redisStore(client, { prefix: `${prefix}:event:` });
    const down = createWebhookHandler({ ...storeDown, store: redisStore(closed, { prefix: `${prefix}:event:` }) });
    paths.splice(2, 0, httpPath('HTTP, redisStore', handlerOn(store), { down }));
    const onBullmq = bullmqInbox({ connection: client, prefix, ...inboxOptions });
    const bullmqDown = bullmqInbox({ connection: closed, prefix, ...inboxOptions });
    paths.push(
      inboxPath('inbox: BullMQ', onBullmq, bullmqDown, false, async () => {
        await onBullmq.close();
        await deleteKeys(client, prefix);
        client.disconnect();
        closed.disconnect();
      }),
    );
  }
}, 60_000);
afterAll(async () => {
  for (const path of paths) await path.close();
});

let cell = 0;
async function answer(path: Path, situation: Situation): Promise<string> {
  const id = `evt_matrix_${++cell}`;
  runs = 0;
  captured = undefined;
  observed.clear();
  const special = await path.special?.(situation, id);
  if (special !== undefined) return withObserved(special);
  if (situation === 'stop mid-handler') return 'n/a';
  if (situation === 'store or engine unreachable') return path.unreachable ? path.unreachable(id) : 'n/a (in-process)';
  if (situation === 'replay of a done event') {
    current = { first: () => undefined };
    await path.deliver(id);
    return `no replay; ${path.again}: ${await path.deliver(id)}, handlers ran ${runs}x`;
  }
  if (situation === 'duplicate') {
    current = { first: () => undefined };
    await path.deliver(id);
    return `${await path.deliver(id)}, handlers ran ${runs}x`;
  }
  if (situation === 'concurrent duplicate') {
    current = { first: () => new Promise((resolve) => setTimeout(resolve, 100)) };
    const answers = await Promise.all([path.deliver(id), path.deliver(id)]);
    return `${answers.sort().join(' + ')}, handlers ran ${runs}x`;
  }
  if (situation === 'ctx.db used after settling') {
    if (!path.transactional) return 'n/a';
    current = { first: (ctx) => ctx.db?.query('SELECT 1') };
    await path.deliver(id);
    // Set by the handler: TypeScript cannot see that the delivery above ran it.
    const db = captured as TransactionClient | undefined;
    if (!db) return 'no ctx.db';
    return db.query('SELECT 1').then(
      () => 'ran',
      (error: { code?: string }) => `refused (${error.code})`,
    );
  }
  current = situations[situation];
  return withObserved(await path.deliver(id));
}

const withObserved = (outcome: string) => (observed.size > 0 ? `${outcome}, ${[...observed].join(', ')}` : outcome);

const columns: Situation[] = [
  'duplicate',
  'concurrent duplicate',
  'handler throws',
  'NonRetryableError',
  'every handler NonRetryableError',
  'NonRetryableError and Error (AggregateError)',
  'unprintable throw (revoked Proxy)',
  'hang past the deadline',
  'ctx.db used after settling',
  'stop mid-handler',
  'replay of a done event',
  'store or engine unreachable',
];

describe('the guarantee matrix: one answer per path and situation', () => {
  it('gives the expected answer in every cell, and docs/reliability.md shows this table', async () => {
    const found: Record<string, Record<string, string>> = {};
    for (const path of paths) {
      found[path.name] = {};
      for (const situation of columns) (found[path.name] as Record<string, string>)[situation] = await answer(path, situation).catch((error: Error) => {
          throw new Error(`${path.name}, ${situation}: ${error.message}`, { cause: error });
        });
    }
    // Without Redis or PostgreSQL (outside CI) their paths are left out, and so is the docs check.
    expect(found).toEqual(Object.fromEntries(paths.map((path) => [path.name, expected[path.name]])));
    const docs = new URL('../../docs/reliability.md', import.meta.url);
    const page = readFileSync(docs, 'utf8');
    const start = '<!-- guarantee-matrix:start -->';
    const end = '<!-- guarantee-matrix:end -->';
    const table = renderTable(found);
    const from = page.indexOf(start) + start.length;
    const to = page.indexOf(end);
    const current = page.slice(from, to);
    if (!redis || !postgresUp) return;
    if (process.env.WRITE_DOCS === '1') writeFileSync(docs, `${page.slice(0, from)}\n${table}\n${page.slice(to)}`);
    else expect(current.trim(), 'docs/reliability.md is stale: rerun this test with WRITE_DOCS=1').toBe(table);
  }, 120_000);
});

function renderTable(found: Record<string, Record<string, string>>): string {
  const rows = columns.map((situation) => `| ${situation} | ${paths.map((path) => found[path.name]?.[situation] ?? '').join(' | ')} |`);
  return [`| situation | ${paths.map((path) => path.name).join(' | ')} |`, `|---|${paths.map(() => '---|').join('')}`, ...rows].join('\n');
}
