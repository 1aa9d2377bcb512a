// inbox.health() and createHealthHandler on every engine (pg-boss on PGlite and PostgreSQL, BullMQ
// on Redis): events wait while no worker runs, the probe turns 503 past maxLagMs, and 200 again once
// a worker drained the queue; dead events past maxDead are a problem of their own.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { bullmqInbox } from '../../src/inbox/bullmq/bullmq-inbox.js';
import { createHealthHandler } from '../../src/inbox/create-health-handler.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker } from '../../src/inbox/start-inbox-worker.js';
import type { Inbox, InboxHealth, InboxOptions } from '../../src/inbox/types.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { redisUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { eventually, statusOf } from '../support/inbox-contract.js';
import { runUntilDead } from '../support/run-until-dead.js';
import { startPgBossOnPglite, startPgBossOnPostgres, type PgBossSetup } from '../support/pg-boss-engines.js';

const postgres = await serviceAvailable('PostgreSQL');
const redis = await serviceAvailable('Redis');

type Open = (options: InboxOptions) => Promise<Inbox>;

function pgBossOn(start: () => Promise<PgBossSetup>): Open {
  let setup: Promise<PgBossSetup> | undefined;
  let count = 0;
  afterAll(async () => (await setup)?.close());
  return async (options) => {
    const { boss, db, table } = await (setup ??= start());
    count++;
    return pgBossInbox(boss, { db, table: `${table}_health_${count}`, queue: `health-${count}`, pollingIntervalSeconds: 0.5, ...options });
  };
}

function bullmq(): Open {
  const prefix = uniqueName('bullhealth');
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const opened: Inbox[] = [];
  let count = 0;
  afterAll(async () => {
    await Promise.all(opened.map((inbox) => inbox.close()));
    await deleteKeys(connection, prefix);
    connection.disconnect();
  });
  return async (options) => {
    count++;
    const inbox = bullmqInbox({ connection, prefix, queue: `health-${count}`, ...options });
    opened.push(inbox);
    return inbox;
  };
}

const probe = async (handler: (request: Request) => Promise<Response>) => {
  const response = await handler(new Request('http://127.0.0.1/healthz'));
  return { status: response.status, cacheControl: response.headers.get('cache-control'), body: (await response.json()) as InboxHealth };
};

function healthContract(open: () => Open) {
  it('the oldest queued age rises while no worker runs: 503 past maxLagMs, 200 once a worker drained the queue', async () => {
    const inbox = await open()({});
    const handler = createHealthHandler({ inbox, maxLagMs: 1500, maxDead: 0 });
    const empty = await probe(handler);
    expect(empty).toMatchObject({ status: 200, cacheControl: 'no-store', body: { ok: true, queued: 0, oldestQueuedAgeMs: null, lastDoneAt: null, problems: [] } });

    const events = [createTestEvent('invoice.paid'), createTestEvent('customer.created')];
    for (const event of events) await inbox.enqueue(event);
    const first = await inbox.health({ maxLagMs: 1500 });
    expect(first).toMatchObject({ queued: 2, processing: 0, failed: 0, dead: 0, lastDoneAt: null });
    expect(first.oldestQueuedAgeMs).toBeGreaterThanOrEqual(0);
    await eventually('the oldest queued age to rise', async () => ((await inbox.health()).oldestQueuedAgeMs ?? -1) > (first.oldestQueuedAgeMs ?? 0));

    const late = await eventually('the probe to answer 503', async () => {
      const answer = await probe(handler);
      return answer.status === 503 ? answer : undefined;
    });
    expect(late.cacheControl).toBe('no-store');
    expect(late.body.ok).toBe(false);
    expect(late.body.oldestQueuedAgeMs).toBeGreaterThan(1500);
    // Nothing was ever done: no worker runs, which is what `stalled` says.
    expect(late.body.problems.map((problem) => problem.code)).toEqual(['lagging', 'stalled']);
    expect(late.body.problems[1]?.message).toMatch(/startInboxWorker/);

    const worker = startInboxWorker({ inbox, router: createWebhookRouter(), logger: false });
    try {
      for (const event of events) await statusOf(inbox, event.id, 'done');
      const drained = await probe(handler);
      expect(drained).toMatchObject({ status: 200, body: { ok: true, queued: 0, oldestQueuedAgeMs: null, problems: [] } });
      expect(Date.parse(drained.body.lastDoneAt ?? '')).toBeGreaterThan(0);
    } finally {
      await worker.stop();
    }
  }, 120_000);

  it('dead events above maxDead are a problem; HEAD answers the status without a body', async () => {
    const inbox = await open()({ retry: { limit: 0, delaySeconds: 0 } });
    const event = createTestEvent('invoice.payment_failed');
    await inbox.enqueue(event);
      await runUntilDead(inbox, event.id);
    const health = await inbox.health({ maxLagMs: 60_000, maxDead: 0 });
    expect(health).toMatchObject({ ok: false, queued: 0, dead: 1, problems: [{ code: 'dead_events' }] });
    expect(health.problems[0]?.message).toMatch(/replay/);
    expect(await inbox.health({ maxDead: 1 })).toMatchObject({ ok: true, dead: 1, problems: [] });

    const head = await createHealthHandler({ inbox })(new Request('http://127.0.0.1/healthz', { method: 'HEAD' }));
    expect(head.status).toBe(503);
    expect(await head.text()).toBe('');
    await expect(inbox.health({ maxDead: -1 })).rejects.toMatchObject({ code: 'invalid_options' });
  }, 120_000);
}

describe('inbox health on pg-boss and PGlite', () => healthContract(() => pgBossOn(startPgBossOnPglite)));
describe.skipIf(!postgres)('inbox health on pg-boss and PostgreSQL', () => healthContract(() => pgBossOn(() => startPgBossOnPostgres())));
describe.skipIf(!redis)('inbox health on BullMQ and Redis', () => healthContract(bullmq));

describe('createHealthHandler', () => {
  it('answers 503 inbox_unavailable, without the error text, when the inbox cannot be read', async () => {
    const inbox = { health: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432 user=billing'), { code: 'ECONNREFUSED' })) };
    const answer = await probe(createHealthHandler({ inbox }));
    expect(answer.status).toBe(503);
    expect(answer.body.problems).toEqual([{ code: 'inbox_unavailable', message: expect.stringContaining('(ECONNREFUSED)') as string }]);
    expect(JSON.stringify(answer.body)).not.toContain('10.0.0.7');
  });

  it('refuses other methods with 405', async () => {
    const inbox = { health: () => Promise.reject(new Error('not called')) };
    const response = await createHealthHandler({ inbox })(new Request('http://127.0.0.1/healthz', { method: 'POST' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});
