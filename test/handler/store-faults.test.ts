// What the handler answers when the store misbehaves (docs/reliability.md), over real
// HTTP: a completion that fails is retried, a frozen store is a timeout rather than a hung
// request, a pg Pool that would crash the app is pointed out, and no event id is poison.
import express from 'express5';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import type { WebhookHandlerOptions } from '../../src/handler/build-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { postgresStore } from '../../src/stores/postgres-store.js';
import { redisStore } from '../../src/stores/redis-store.js';
import type { IdempotencyStore } from '../../src/types.js';
import { capturingLogger } from '../support/capturing-logger.js';
import { paidCheckout, signedDelivery, testSecret } from '../support/deliveries.js';
import { listening } from '../support/listen.js';
import { startPrivateRedis } from '../support/private-redis.js';
import { dropTables } from '../support/service-cleanup.js';
import { pgUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { expectAnswer, send, type RunningServer } from '../support/status-contract.js';

const postgres = await serviceAvailable('PostgreSQL');
const redis = await serviceAvailable('Redis');

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: Omit<WebhookHandlerOptions, 'secret'>): Promise<string> {
  const app = express();
  app.post('/v1/webhook', stripeWebhookMiddleware({ secret: testSecret, ...options }));
  server = await listening(app.listen(0, '127.0.0.1'));
  return server.url;
}

/** A real memory store whose `complete` fails its first `failures` calls, as a dropped connection would. */
function flakyCompletion(failures: number): IdempotencyStore & { completions: number } {
  const store = memoryStore();
  const flaky = {
    completions: 0,
    claim: store.claim,
    release: store.release,
    async complete(eventId: string) {
      flaky.completions++;
      if (flaky.completions <= failures) throw new Error('Connection terminated unexpectedly');
      await store.complete(eventId);
    },
  };
  return flaky;
}

describe('a completion that fails after the handlers succeeded', () => {
  it('is retried at once: the delivery is 200 and a redelivery is a duplicate, not a second run', async () => {
    let runs = 0;
    const store = flakyCompletion(2);
    const url = await serve({ router: createWebhookRouter().onCheckoutPaid(() => void runs++), store, logger: false });
    const delivery = paidCheckout('o_1');
    expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
    expect(store.completions).toBe(3);
    expectAnswer(await send(url, delivery), 200, { received: true, duplicate: true }, delivery);
    expect(runs).toBe(1);
  });

  it('that keeps failing is still answered 200 (a non-2xx would make Stripe run the handlers again), logged, and retried until recorded', async () => {
    const store = flakyCompletion(Number.POSITIVE_INFINITY);
    const { logger, lines } = capturingLogger();
    const url = await serve({ router: createWebhookRouter().onCheckoutPaid(() => undefined), store, logger, storeTimeoutMs: 200 });
    const delivery = paidCheckout('o_1');
    expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
    expect(lines.find((line) => line.level === 'error')?.message).toMatch(/could not record the event as done; answering 2xx/);
    // Meanwhile the lease holds the duplicates off.
    expectAnswer(await send(url, delivery), 409, { error: 'in_progress' }, delivery);
  });
});

describe.skipIf(!redis)('a store that stops answering (a frozen Redis)', () => {
  it('answers 500 store_timeout instead of holding the request, and the late claim is given back', async () => {
    const privateRedis = await startPrivateRedis();
    const client = new Redis(privateRedis.url);
    try {
      let runs = 0;
      const { logger } = capturingLogger();
      const url = await serve({ router: createWebhookRouter().onCheckoutPaid(() => void runs++), store: redisStore(client, { prefix: 'swk:' }), logger, storeTimeoutMs: 300 });
      const delivery = paidCheckout('o_1');
      await client.ping();
      privateRedis.pause();
      expectAnswer(await send(url, delivery), 500, { error: 'store_timeout' }, delivery);
      privateRedis.resume();
      // Once Redis answers again, the late claim is released: Stripe's retry runs the event.
      let answer = await send(url, delivery);
      for (let tries = 0; answer.status === 409 && tries < 100; tries++) answer = await send(url, delivery);
      expectAnswer(answer, 200, { received: true }, delivery);
      expect(runs).toBe(1);
    } finally {
      client.disconnect();
      await privateRedis.stop();
    }
  });
});

describe.skipIf(!postgres)('postgresStore', () => {
  const pool = new pg.Pool({ connectionString: pgUrl, max: 2 });
  pool.on('error', () => undefined);
  const table = uniqueName('odd_ids');
  afterAll(async () => {
    await dropTables(pool, [table]);
    await pool.end();
  });

  it.each([
    ['10 kB long', `evt_${'x'.repeat(10_000)}`],
    ['with U+0000', 'evt_\u0000nul'],
    ['with a lone surrogate', 'evt_\uD800x'],
  ])('stores an event id %s: 200, then duplicate (never 500 for ever)', async (_what, id) => {
    const url = await serve({ router: createWebhookRouter(), store: postgresStore(pool, { table, logger: false }), logger: false });
    const delivery = signedDelivery('customer.created', { id });
    expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
    expectAnswer(await send(url, delivery), 200, { received: true, duplicate: true }, delivery);
  });

  it('warns once, with the fix, when handed a pg Pool without an error listener', () => {
    const bare = new pg.Pool({ connectionString: pgUrl });
    const { logger, lines } = capturingLogger();
    postgresStore(bare, { table, logger });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.message).toMatch(/no 'error' listener.*pool\.on\('error'/s);
    bare.on('error', () => undefined);
    postgresStore(bare, { table, logger });
    postgresStore(pool, { table, logger });
    expect(lines).toHaveLength(1);
    void bare.end();
  });
});

