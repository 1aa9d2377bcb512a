// The guarantee matrix: every path that runs handlers, against every situation that applies to
// it, each cell one expected answer. The same step runs handlers everywhere, so the answers agree
// across a row. The table in docs/reliability.md is generated from this file: `WRITE_DOCS=1 npx
// vitest run test/guarantees/guarantee-matrix.test.ts` rewrites it, and every run checks it.
import { readFileSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import type { WebhookHandler } from '../../src/handler/build-webhook-handler.js';
import { bullmqInbox } from '../../src/inbox/bullmq/bullmq-inbox.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker } from '../../src/inbox/start-inbox-worker.js';
import type { Inbox } from '../../src/inbox/types.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { NonRetryableError } from '../../src/router/non-retryable-error.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { postgresStore } from '../../src/stores/postgres-store.js';
import { redisStore } from '../../src/stores/redis-store.js';
import { createSignedRequest, createTestEvent } from '../../src/entries/testing.js';
import { handleTrustedDelivery } from '../../src/trusted/handle-trusted-delivery.js';
import type { TransactionClient, WebhookContext } from '../../src/types.js';
import { startPgBossOnPglite, type PgBossSetup } from '../support/pg-boss-engines.js';
import { testSecret } from '../support/deliveries.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { redisUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { waitUntil } from '../support/wait-until.js';

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
type Situation = keyof typeof situations | 'duplicate' | 'concurrent duplicate' | 'ctx.db used after settling' | 'stop mid-handler';

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** One path: delivers an event with the current behaviour, and answers what became of it. */
interface Path {
  name: string;
  deliver(id: string): Promise<string>;
  /** Runs a cell this path has its own way of answering (a stop), or `undefined`. */
  special?(situation: Situation, id: string): Promise<string | undefined>;
  transactional: boolean;
  close(): Promise<void>;
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

const httpAnswer = (status: number, body: string): string => {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  if (status === 200) return parsed.duplicate ? 'duplicate' : parsed.discarded ? 'discarded' : 'processed';
  return parsed.error === 'handler_failed' ? 'failed' : String(parsed.error);
};

function httpPath(name: string, handler: WebhookHandler, transactional: boolean, close: () => Promise<void> = async () => undefined): Path {
  return {
    name,
    transactional,
    async deliver(id) {
      const request = createSignedRequest(createTestEvent('customer.created', { id }), testSecret);
      const response = await handler.handle({ method: 'POST', headers: request.headers, body: request.body });
      return httpAnswer(response.status, response.body);
    },
    close,
  };
}

function trustedPath(handler: WebhookHandler): Path {
  return {
    name: 'handleTrustedDelivery({ handler })',
    transactional: false,
    async deliver(id) {
      const envelope = { 'detail-type': 'customer.created', source: 'aws.partner/stripe.com/ed_test', detail: createTestEvent('customer.created', { id }) };
      const result = await handleTrustedDelivery(envelope, { handler });
      return result.outcome;
    },
    close: async () => undefined,
  };
}

const inboxOptions = { queue: 'matrix', leaseMs: 1000, retry: { limit: 1, delaySeconds: 60 } };

function inboxPath(name: string, inbox: Inbox, transactional: boolean, close: () => Promise<void>): Path {
  const ingress = createWebhookHandler({ secret: testSecret, router, inbox, logger: false, telemetry: false });
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
  const http = httpPath('inbox', ingress, true);
  return {
    name,
    transactional,
    async deliver(id) {
      const queued = await http.deliver(id);
      if (queued === 'duplicate') return queued;
      const worker = startInboxWorker({ inbox, router, logger: false, telemetry: false, handlerTimeoutMs: deadlineMs });
      try {
        return await settled(id);
      } finally {
        await worker.stop({ graceMs: 5_000 });
      }
    },
    async special(situation, id) {
      if (situation !== 'stop mid-handler') return undefined;
      current = { first: hang };
      // A deadline longer than the grace: the stop, not the deadline, abandons the handler.
      const worker = startInboxWorker({ inbox, router, logger: false, telemetry: false, handlerTimeoutMs: 900 });
      await http.deliver(id);
      await waitUntil('the handler runs', () => runs > 0, 20_000);
      await worker.stop({ graceMs: 50 });
      return settled(id);
    },
    close,
  };
}

const redis = await serviceAvailable('Redis');
const paths: Path[] = [];
beforeAll(async () => {
  const options = { secret: testSecret, router, logger: false as const, telemetry: false as const, handlerTimeoutMs: deadlineMs };
  paths.push(httpPath('HTTP, memoryStore', createWebhookHandler({ ...options, store: memoryStore() }), false));
  const pglite = await PGlite.create();
  paths.push(httpPath('HTTP, postgresStore transactional (PGlite)', createWebhookHandler({ ...options, store: postgresStore(pglite, { transactional: true, logger: false }) }), true, () => pglite.close()));
  paths.push(trustedPath(createWebhookHandler({ ...options, store: memoryStore() })));
  const engine: PgBossSetup = await startPgBossOnPglite();
  const onPglite = pgBossInbox(engine.boss, { db: engine.db, ...inboxOptions, transactional: true, pollingIntervalSeconds: 0.5 });
  paths.push(inboxPath('inbox: pg-boss on PGlite, transactional', onPglite, true, () => engine.close()));
  if (redis) {
    const prefix = uniqueName('matrix');
    const client = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const store = redisStore(client, { prefix: `${prefix}:event:` });
    paths.splice(2, 0, httpPath('HTTP, redisStore', createWebhookHandler({ ...options, store }), false));
    const onBullmq = bullmqInbox({ connection: client, prefix, ...inboxOptions });
    paths.push(
      inboxPath('inbox: BullMQ', onBullmq, false, async () => {
        await onBullmq.close();
        await deleteKeys(client, prefix);
        client.disconnect();
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
];

// One answer per cell. `in_progress` for HTTP is the 409 a concurrent duplicate gets while the
// first runs; the inbox answers `duplicate` at ingress, since the event is stored once.
const same = {
  'handler throws': 'failed',
  NonRetryableError: 'discarded',
  'every handler NonRetryableError': 'discarded',
  'NonRetryableError and Error (AggregateError)': 'failed',
  'unprintable throw (revoked Proxy)': 'failed',
  'hang past the deadline': 'handler_timeout, signal aborted',
};
const expected: Record<string, Record<Situation, string>> = {
  'HTTP, memoryStore': { duplicate: 'duplicate, handlers ran 1x', 'concurrent duplicate': 'in_progress + processed, handlers ran 1x', ...same, 'ctx.db used after settling': 'n/a', 'stop mid-handler': 'n/a' },
  'HTTP, postgresStore transactional (PGlite)': {
    duplicate: 'duplicate, handlers ran 1x',
    'concurrent duplicate': 'in_progress + processed, handlers ran 1x',
    ...same,
    'ctx.db used after settling': 'refused (transaction_closed)',
    'stop mid-handler': 'n/a',
  },
  'handleTrustedDelivery({ handler })': { duplicate: 'duplicate, handlers ran 1x', 'concurrent duplicate': 'in_progress + processed, handlers ran 1x', ...same, 'ctx.db used after settling': 'n/a', 'stop mid-handler': 'n/a' },
  'HTTP, redisStore': { duplicate: 'duplicate, handlers ran 1x', 'concurrent duplicate': 'in_progress + processed, handlers ran 1x', ...same, 'ctx.db used after settling': 'n/a', 'stop mid-handler': 'n/a' },
  'inbox: BullMQ': {
    duplicate: 'duplicate, handlers ran 1x',
    'concurrent duplicate': 'duplicate + processed, handlers ran 1x',
    ...same,
    'ctx.db used after settling': 'n/a',
    'stop mid-handler': 'failed, signal aborted',
  },
  'inbox: pg-boss on PGlite, transactional': {
    duplicate: 'duplicate, handlers ran 1x',
    'concurrent duplicate': 'duplicate + processed, handlers ran 1x',
    ...same,
    'ctx.db used after settling': 'refused (transaction_closed)',
    'stop mid-handler': 'failed, signal aborted',
  },
};

describe('the guarantee matrix: one answer per path and situation', () => {
  it('gives the expected answer in every cell, and docs/reliability.md shows this table', async () => {
    const found: Record<string, Record<string, string>> = {};
    for (const path of paths) {
      found[path.name] = {};
      for (const situation of columns) (found[path.name] as Record<string, string>)[situation] = await answer(path, situation);
    }
    // Without Redis (outside CI) its two paths are left out, and so is the docs check.
    expect(found).toEqual(Object.fromEntries(paths.map((path) => [path.name, expected[path.name]])));
    const docs = new URL('../../docs/reliability.md', import.meta.url);
    const page = readFileSync(docs, 'utf8');
    const start = '<!-- guarantee-matrix:start -->';
    const end = '<!-- guarantee-matrix:end -->';
    const table = renderTable(found);
    const from = page.indexOf(start) + start.length;
    const to = page.indexOf(end);
    const current = page.slice(from, to);
    if (!redis) return;
    if (process.env.WRITE_DOCS === '1') writeFileSync(docs, `${page.slice(0, from)}\n${table}\n${page.slice(to)}`);
    else expect(current.trim(), 'docs/reliability.md is stale: rerun this test with WRITE_DOCS=1').toBe(table);
  }, 120_000);
});

function renderTable(found: Record<string, Record<string, string>>): string {
  const rows = columns.map((situation) => `| ${situation} | ${paths.map((path) => found[path.name]?.[situation] ?? '').join(' | ')} |`);
  return [`| situation | ${paths.map((path) => path.name).join(' | ')} |`, `|---|${paths.map(() => '---|').join('')}`, ...rows].join('\n');
}
