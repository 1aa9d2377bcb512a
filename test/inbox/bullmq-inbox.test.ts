// The inbox contract on BullMQ and Redis.
import express from 'express5';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import { startInboxWorker } from '../../src/inbox/start-inbox-worker.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { createSignedRequest } from '../../src/testing/create-signed-request.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { bullmqInbox } from '../../src/inbox/bullmq/bullmq-inbox.js';
import { holdWrites } from '../../src/inbox/bullmq/job-connection.js';
import type { Inbox } from '../../src/inbox/types.js';
import { inboxEngine } from '../../src/inbox/engine.js';
import { listening } from '../support/listen.js';
import { startPrivateRedis } from '../support/private-redis.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { redisUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { inboxContract, statusOf } from '../support/inbox-contract.js';

const redis = await serviceAvailable('Redis');

describe.skipIf(!redis)('bullmqInbox on BullMQ and Redis', () => {
  const prefix = uniqueName('bull');
  let connection: Redis;
  let count = 0;
  const opened: Inbox[] = [];
  beforeAll(() => {
    connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await Promise.all(opened.map((inbox) => inbox.close()));
    await deleteKeys(connection, prefix);
    connection.disconnect();
  });

  inboxContract(() => ({
    async open(options) {
      count++;
      const inbox = bullmqInbox({ connection, prefix, queue: `inbox-${count}`, ...options });
      opened.push(inbox);
      return inbox;
    },
    async broken() {
      const closed = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
      closed.on('error', () => undefined);
      const inbox = bullmqInbox({ connection: closed, prefix, queue: 'inbox-broken' });
      opened.push(inbox);
      return inbox;
    },
  }));

  it('purge leaves no index entry behind: only the counters stay', async () => {
    const inbox = bullmqInbox({ connection, prefix, queue: 'inbox-purge-keys' });
    opened.push(inbox);
    const events = [
      createTestEvent('checkout.session.completed', { data: { object: { id: 'cs_keys_1', metadata: { orderId: 'order_keys' } } } } as never),
      createTestEvent('invoice.paid'),
    ];
    for (const event of events) await inbox.enqueue(event);
    const worker = startInboxWorker({ inbox, router: createWebhookRouter(), logger: false });
    for (const event of events) await statusOf(inbox, event.id, 'done');
    await worker.stop();
    const base = `${prefix}:inbox-purge-keys:inbox`;
    const logKeys = async () => (await connection.keys(`${base}:*`)).map((key) => key.slice(base.length + 1)).sort();
    expect(await logKeys()).toEqual(expect.arrayContaining(['all', 'counts', 'io:cs_keys_1', 'or:order_keys', 's:done', 'seq', 'time', `t:invoice.paid`]));
    expect(await inbox.purge({ olderThan: Date.now() + 60_000 })).toBe(2);
    expect(await logKeys()).toEqual(['counts', 'seq']);
  });

  it('settles each job on the connection BullMQ completes it on, before the completion', async () => {
    const queue = 'inbox-settle-order';
    const inbox = bullmqInbox({ connection, prefix, queue });
    opened.push(inbox);
    const events = Array.from({ length: 6 }, () => createTestEvent('invoice.paid'));
    for (const event of events) await inbox.enqueue(event);
    // Redis's own record of the commands it ran, in the order it ran them, with each one's client.
    // The settle is sent with its text (EVAL), so that a lost script cache cannot reorder it.
    const monitor = await connection.monitor();
    const ran: Array<{ source: string; args: string[] }> = [];
    monitor.on('monitor', (_time: string, args: unknown[], source: string) => {
      const text = args.map(String);
      if (text.some((arg) => arg.startsWith(`${prefix}:${queue}:`))) ran.push({ source, args: text });
    });
    try {
      const worker = startInboxWorker({ inbox, router: createWebhookRouter(), concurrency: 3, logger: false });
      for (const event of events) await statusOf(inbox, event.id, 'done');
      await worker.stop();
    } finally {
      monitor.disconnect();
    }
    for (const event of events) {
      const settle = ran.findIndex(({ args }) => args[0] === 'eval' && args[4] === event.id && args[6] === 'done');
      const completion = ran.findIndex(({ args }) => args.includes(`${prefix}:${queue}:completed`) && args.includes(`${event.id}.g0`));
      expect(settle, `the settle of ${event.id}`).toBeGreaterThanOrEqual(0);
      expect(completion, `the completion of ${event.id}`).toBeGreaterThan(settle);
      expect(ran[completion]?.source).toBe(ran[settle]?.source);
    }
  });

  it('holds the writes on the completing connection until the turn ends, in the order they were sent', async () => {
    const own = new Redis(redisUrl, { maxRetriesPerRequest: null });
    try {
      await own.ping();
      const key = `${prefix}:held-writes`;
      holdWrites(own);
      // Both wait in the socket until this turn of the event loop ends, then leave in one write.
      const settle = own.eval(`return redis.call('SET', KEYS[1], 'settled')`, 1, key);
      const completion = own.get(key);
      expect(own.stream.writableCorked).toBe(1);
      expect(await Promise.all([settle, completion])).toEqual(['OK', 'settled']);
      expect(own.stream.writableCorked).toBe(0);
    } finally {
      own.disconnect();
    }
  });

  it('counts each status by its set: counters left in the log by an earlier version are not read', async () => {
    const queue = 'inbox-counts-sets';
    const inbox = inboxEngine(bullmqInbox({ connection, prefix, queue }), 'test');
    opened.push(inbox);
    const [done, failed, queued] = [createTestEvent('invoice.paid'), createTestEvent('invoice.paid'), createTestEvent('invoice.paid')];
    for (const event of [done!, failed!, queued!]) await inbox.enqueue(event);
    await inbox.claim(done!.id, 'token-done');
    await inbox.settle(done!.id, 'token-done', { status: 'done', durationMs: 1 });
    await inbox.claim(failed!.id, 'token-failed');
    await inbox.settle(failed!.id, 'token-failed', { status: 'failed', error: new Error('boom'), durationMs: 1 });
    // Counters as an earlier version kept them, gone wrong: neither stats() nor health() reads them.
    await connection.hset(`${prefix}:${queue}:inbox:counts`, 'queued', 40, 'processing', 7, 'failed', 9, 'dead', 3, 'done', 11);
    expect(await inbox.stats()).toEqual({ queued: 1, processing: 0, done: 1, failed: 1, discarded: 0, dead: 0 });
    const health = await inbox.health({ maxLagMs: 3_600_000, maxDead: 10 });
    expect({ queued: health.queued, processing: health.processing, failed: health.failed, dead: health.dead }).toEqual({ queued: 1, processing: 0, failed: 1, dead: 0 });
    expect(health.lastDoneAt).toEqual(expect.any(String));
  });

  it('settles an event claimed before the claim kept its start and its hold on the object', async () => {
    const queue = 'inbox-settle-earlier-claim';
    const inbox = inboxEngine(bullmqInbox({ connection, prefix, queue, ordering: 'per-object' }), 'test');
    opened.push(inbox);
    const [first, second] = [1, 2].map((created) => createTestEvent('checkout.session.completed', { created, data: { object: { id: 'cs_earlier_claim' } } } as never));
    await inbox.enqueue(first!);
    await inbox.enqueue(second!);
    const claimed = await inbox.claim(first!.id, 'token-earlier');
    expect(claimed.state).toBe('claimed');
    // The hash as an earlier claim left it: the lease and the attempt, without these two fields.
    await connection.hdel(`${prefix}:${queue}:inbox:e:${first!.id}`, 'startedAt', 'holds');
    expect(await inbox.settle(first!.id, 'token-earlier', { status: 'done', durationMs: 7 })).toBe(true);
    const settled = await inbox.get(first!.id);
    expect(settled?.status).toBe('done');
    expect(settled?.attempts).toEqual([{ startedAt: expect.any(String), durationMs: 7 }]);
    // The object was let go: the next event of it is claimed at once, not told to wait.
    expect((await inbox.claim(second!.id, 'token-next')).state).toBe('claimed');
  });

  it('runs an event again once its lease ends when the settle sent ahead of its completion failed', async () => {
    // A client of its own, whose settle of a done attempt fails once, as a connection reset would.
    const own = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const evalText = own.eval.bind(own);
    let failedSettles = 0;
    own.eval = ((...args: Parameters<typeof evalText>) => {
      if (!args.includes('done') || failedSettles > 0) return evalText(...args);
      failedSettles++;
      return Promise.reject(new Error('read ECONNRESET'));
    }) as typeof own.eval;
    const inbox = bullmqInbox({ connection: own, prefix, queue: 'inbox-settle-failed', leaseMs: 1000 });
    const event = createTestEvent('invoice.paid');
    await inbox.enqueue(event);
    let runs = 0;
    const worker = startInboxWorker({ inbox, router: createWebhookRouter().on('invoice.paid', () => void runs++), logger: false });
    try {
      const done = await statusOf(inbox, event.id, 'done');
      expect({ failedSettles, runs, attempts: done.attempts.length }).toEqual({ failedSettles: 1, runs: 2, attempts: 2 });
    } finally {
      await worker.stop();
      await inbox.close();
      own.disconnect();
    }
  });

  it("answers 500 inbox_unavailable while Redis is down, with BullMQ's maxRetriesPerRequest: null, and the worker still stops", async () => {
    // Ports of its own: the durability suite, which CI runs beside this one, restarts its servers
    // on theirs.
    const server = await startPrivateRedis({ ports: [16440, 16449] });
    // The documented client: it waits for Redis to come back instead of failing a command.
    const waiting = new Redis(server.url, { maxRetriesPerRequest: null });
    waiting.on('error', () => undefined);
    const secret = 'whsec_bullmq_outage';
    const inbox = bullmqInbox({ connection: waiting, prefix, queue: 'inbox-outage' });
    const worker = startInboxWorker({ inbox, router: createWebhookRouter(), logger: false });
    const app = express();
    app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router: createWebhookRouter(), inbox, logger: false }));
    const http = await listening(app.listen(0, '127.0.0.1'));
    try {
      await worker.ready;
      await server.stop();
      const request = createSignedRequest(createTestEvent('invoice.paid'), secret);
      const response = await fetch(http.url, { method: 'POST', headers: request.headers, body: request.body });
      expect({ status: response.status, body: await response.text() }).toEqual({ status: 500, body: '{"error":"inbox_unavailable"}' });
      await worker.stop();
    } finally {
      await http.close();
      waiting.disconnect();
      await server.stop();
    }
  }, 60_000);
});
