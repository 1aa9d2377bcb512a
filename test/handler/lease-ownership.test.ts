// Each claim owns its lease (docs/reliability.md), with every store, over real HTTP: a handler that
// outlives its lease and then fails must give up only its own claim, never the newer one another
// delivery took meanwhile; and a claim repeated with the holder's token is still 'claimed' (item 5).
import express from 'express5';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { postgresStore } from '../../src/stores/postgres-store.js';
import { redisStore } from '../../src/stores/redis-store.js';
import type { IdempotencyStore } from '../../src/types.js';
import { paidCheckout, testSecret } from '../support/deliveries.js';
import { listening } from '../support/listen.js';
import { deleteKeys, dropTables } from '../support/service-cleanup.js';
import { pgUrl, redisUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { expectAnswer, send, type RunningServer } from '../support/status-contract.js';

const postgres = await serviceAvailable('PostgreSQL');
const redis = await serviceAvailable('Redis');

interface StoreUnderTest {
  store: IdempotencyStore;
  /** Ends the live lease of `eventId` now, as the passing of `leaseMs` would. */
  expireLease(eventId: string): Promise<void>;
}

const pool = new pg.Pool({ connectionString: pgUrl, max: 4 });
pool.on('error', () => undefined);
const redisClient = new Redis(redisUrl, { lazyConnect: true });
const table = uniqueName('leases');
const prefix = `${uniqueName('leases')}:`;
afterAll(async () => {
  if (postgres) await dropTables(pool, [table]);
  await pool.end();
  if (redis) await deleteKeys(redisClient, prefix);
  redisClient.disconnect();
});

const stores: Array<[string, boolean, () => StoreUnderTest]> = [
  [
    'memoryStore',
    true,
    () => {
      let clock = 1_000_000;
      const store = memoryStore({ now: () => clock });
      return { store, expireLease: async () => void (clock += 120_000) };
    },
  ],
  [
    'postgresStore',
    postgres,
    () => ({
      store: postgresStore(pool, { table, logger: false }),
      expireLease: async (eventId) => void (await pool.query(`UPDATE ${table} SET expires_at = statement_timestamp() - interval '1 second' WHERE event_id = $1`, [eventId])),
    }),
  ],
  [
    'redisStore',
    redis,
    () => ({
      store: redisStore(redisClient, { prefix }),
      expireLease: async (eventId) => void (await redisClient.del(prefix + eventId)),
    }),
  ],
];

describe.each(stores)('%s', (_name, available, open) => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.skipIf(!available)('a handler that outlived its lease and then fails releases only its own claim: a third delivery gets 409', async () => {
    const { store, expireLease } = open();
    const gates: Array<{ open: (fail: boolean) => void }> = [];
    let runs = 0;
    let entered!: () => void;
    let running = new Promise<void>((resolve) => (entered = resolve));
    const router = createWebhookRouter().onCheckoutPaid(async () => {
      runs++;
      const fail = await new Promise<boolean>((resolve) => gates.push({ open: resolve }));
      if (fail) throw new Error('the first run fails late');
    });
    router.onAny(() => entered());
    const app = express();
    app.post('/v1/webhook', stripeWebhookMiddleware({ secret: testSecret, router, store, logger: false, handlerTimeoutMs: Infinity }));
    server = await listening(app.listen(0, '127.0.0.1'));
    const delivery = paidCheckout('o_1');

    const first = send(server.url, delivery);
    await running;
    await expireLease(delivery.event.id);
    running = new Promise<void>((resolve) => (entered = resolve));
    const second = send(server.url, delivery);
    await running;
    gates[0]?.open(true);
    expectAnswer(await first, 500, { error: 'handler_failed' }, delivery);
    // The second delivery still holds its lease: the first one's release must not have freed it.
    expectAnswer(await send(server.url, delivery), 409, { error: 'in_progress' }, delivery);
    gates[1]?.open(false);
    expectAnswer(await second, 200, { received: true }, delivery);
    expectAnswer(await send(server.url, delivery), 200, { received: true, duplicate: true }, delivery);
    expect(runs).toBe(2);
  });

  it.skipIf(!available)('a claim sent again with the holder\'s token answers claimed; another token gets in_progress', async () => {
    const { store } = open();
    const eventId = `evt_${uniqueName('repeat')}`;
    const token = globalThis.crypto.randomUUID();
    expect(await store.claim(eventId, 60_000, token)).toBe('claimed');
    expect(await store.claim(eventId, 60_000, token)).toBe('claimed');
    expect(await store.claim(eventId, 60_000, globalThis.crypto.randomUUID())).toBe('in_progress');
    await store.release(eventId, globalThis.crypto.randomUUID());
    expect(await store.claim(eventId, 60_000)).toBe('in_progress');
    await store.release(eventId, token);
    expect(await store.claim(eventId, 60_000)).toBe('claimed');
  });
});
