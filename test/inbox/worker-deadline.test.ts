// startInboxWorker's handler deadline and graceful stop, on real engines: a handler that hangs
// (and ignores ctx.signal) fails as handler_timeout and frees its only slot for the next event,
// and stop({ graceMs }) resolves with every attempt recorded.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqInbox } from '../../src/inbox/bullmq/bullmq-inbox.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker } from '../../src/inbox/start-inbox-worker.js';
import type { Inbox } from '../../src/inbox/types.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { redisUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { statusOf } from '../support/inbox-contract.js';
import { startPgBossOnPglite, type PgBossSetup } from '../support/pg-boss-engines.js';

const redis = await serviceAvailable('Redis');
const retry = { limit: 1, delaySeconds: 60 };

function deadlineCases(open: (name: string) => Inbox) {
  it('refuses a handlerTimeoutMs not below leaseMs, saying what to change', () => {
    const inbox = open('refused');
    expect(() => startInboxWorker({ inbox, router: createWebhookRouter(), handlerTimeoutMs: inbox.leaseMs, logger: false })).toThrow(
      /`handlerTimeoutMs` must be a positive number of milliseconds below the inbox's leaseMs \(1000\).*lower handlerTimeoutMs, or raise leaseMs/,
    );
  });

  it('fails a hanging attempt as handler_timeout and runs the next event in its only slot', async () => {
    const inbox = open('hang');
    const aborted: string[] = [];
    const ran: string[] = [];
    const router = createWebhookRouter().onAny((event, ctx) => {
      ran.push(event.id);
      if (event.id !== 'evt_hangs') return undefined;
      ctx.signal.addEventListener('abort', () => aborted.push(String((ctx.signal.reason as { code?: string }).code)));
      // Ignores the signal: it never ends, as a call with no timeout of its own would not.
      return new Promise(() => undefined);
    });
    await inbox.enqueue(createTestEvent('customer.created', { id: 'evt_hangs' }));
    const worker = startInboxWorker({ inbox, router, concurrency: 1, handlerTimeoutMs: 200, logger: false, telemetry: false });
    try {
      await statusOf(inbox, 'evt_hangs', 'failed');
      await inbox.enqueue(createTestEvent('customer.created', { id: 'evt_next' }));
      await statusOf(inbox, 'evt_next', 'done');
    } finally {
      await worker.stop({ graceMs: 0 });
    }
    expect(aborted).toEqual(['handler_timeout']);
    expect(ran).toEqual(['evt_hangs', 'evt_next']);
    expect((await inbox.get('evt_hangs'))?.attempts[0]?.error).toContain('did not finish within handlerTimeoutMs (200 ms)');
  }, 60_000);

  it('stop({ graceMs }) aborts ctx.signal once the grace ends, and resolves with the attempt recorded as failed', async () => {
    const inbox = open('stop');
    let started = false;
    const router = createWebhookRouter().onAny(
      (_event, ctx) =>
        new Promise((_resolve, reject) => {
          started = true;
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error));
        }),
    );
    await inbox.enqueue(createTestEvent('customer.created', { id: 'evt_stopped' }));
    const worker = startInboxWorker({ inbox, router, handlerTimeoutMs: 900, logger: false, telemetry: false });
    await expect.poll(() => started, { timeout: 30_000 }).toBe(true);
    await worker.stop({ graceMs: 50 });
    const record = await inbox.get('evt_stopped');
    expect(record?.status).toBe('failed');
    expect(record?.attempts[0]?.error).toContain('grace period (graceMs 50) ended');
  }, 60_000);
}

describe('startInboxWorker deadlines on pg-boss (PGlite)', () => {
  let engine: PgBossSetup;
  beforeAll(async () => {
    engine = await startPgBossOnPglite();
  }, 60_000);
  afterAll(() => engine.close());
  deadlineCases((name) => pgBossInbox(engine.boss, { db: engine.db, queue: `deadline-${name}`, table: `deadline_${name}`, leaseMs: 1000, retry, pollingIntervalSeconds: 0.5 }));
});

describe.skipIf(!redis)('startInboxWorker deadlines on BullMQ', () => {
  const prefix = uniqueName('bull');
  let connection: Redis;
  const opened: Inbox[] = [];
  beforeAll(() => {
    connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await Promise.all(opened.map((inbox) => inbox.close()));
    await deleteKeys(connection, prefix);
    connection.disconnect();
  });
  deadlineCases((name) => {
    const inbox = bullmqInbox({ connection, prefix, queue: `deadline-${name}`, leaseMs: 1000, retry });
    opened.push(inbox);
    return inbox;
  });
});
