import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore, type RedisClient } from '../../src/stores/redis-store.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { useRedisAdmin } from '../support/redis-admin.js';
import { redisUrl, serviceAvailable } from '../support/services.js';
import { storeError } from '../support/store-error.js';

const redis = await serviceAvailable('Redis');
const sevenDaysMs = 7 * 24 * 60 * 60 * 1000;

describe('redisStore clients', () => {
  it('rejects what is neither an ioredis nor a node-redis client', () => {
    expect(() => redisStore({} as RedisClient)).toThrow(/ioredis client .* node-redis client/);
    expect(() => redisStore(null as unknown as RedisClient)).toThrow(TypeError);
  });

  it('fails at once, naming the fix, for a node-redis client that was never connected', async () => {
    const client = createClient({ url: redisUrl });
    const error = await storeError(redisStore(client, { prefix: 'app:' }).claim('evt_1', 60_000));
    expect(error.code).toBe('not_connected');
    expect(error.message).toContain('"app:"');
    expect(error.message).toContain('client.connect()');
  });

  it('validates its options', () => {
    const client = new Redis({ lazyConnect: true });
    expect(() => redisStore(client, { retentionMs: 0 })).toThrow(/retentionMs/);
    expect(() => redisStore(client, { prefix: 1 as unknown as string })).toThrow(/prefix/);
  });
});

describe.skipIf(!redis)('redisStore on Redis', () => {
  const admin = useRedisAdmin('keys');
  const { prefix } = admin;

  it('fails for an ioredis client that was closed', async () => {
    const client = new Redis(redisUrl);
    await client.quit();
    const error = await storeError(redisStore(client, { prefix }).claim('evt_closed', 60_000));
    expect(error.code).toBe('not_connected');
    expect(error.message).toMatch(/ioredis client was closed/);
  });

  it('keeps a claim for the lease and a done marker for the retention, under the prefix', async () => {
    const store = redisStore(admin.client, { prefix });
    await store.claim('evt_ttl', 30_000);
    expect(await admin.client.get(`${prefix}evt_ttl`)).toMatch(/^[0-9a-f-]{36}$/);
    expect(await admin.client.pttl(`${prefix}evt_ttl`)).toBeGreaterThan(25_000);
    expect(await admin.client.pttl(`${prefix}evt_ttl`)).toBeLessThanOrEqual(30_000);
    await store.complete('evt_ttl');
    expect(await admin.client.get(`${prefix}evt_ttl`)).toBe('done');
    expect(await admin.client.pttl(`${prefix}evt_ttl`)).toBeGreaterThan(sevenDaysMs - 60_000);
    expect(await admin.client.pttl(`${prefix}evt_ttl`)).toBeLessThanOrEqual(sevenDaysMs);
  });

  it('shares claims between ioredis and node-redis clients', async () => {
    const nodeRedis = await createClient({ url: redisUrl }).connect();
    try {
      const viaIoredis = redisStore(admin.client, { prefix });
      const viaNodeRedis = redisStore(nodeRedis, { prefix });
      expect(await viaIoredis.claim('evt_mixed', 60_000)).toBe('claimed');
      expect(await viaNodeRedis.claim('evt_mixed', 60_000)).toBe('in_progress');
      await viaIoredis.complete('evt_mixed');
      expect(await viaNodeRedis.claim('evt_mixed', 60_000)).toBe('done');
    } finally {
      await nodeRedis.close();
    }
  });

  describe('on a server of its own', () => {
    let server: PrivateRedis;
    beforeAll(async () => {
      server = await startPrivateRedis();
    });
    afterAll(() => server.stop());

    it.each([
      ['ioredis', async (url: string) => ({ client: new Redis(url) as RedisClient, flush: (c: RedisClient) => (c as Redis).script('FLUSH'), close: (c: RedisClient) => (c as Redis).quit() })],
      [
        'node-redis',
        async (url: string) => ({
          client: (await createClient({ url }).connect()) as RedisClient,
          flush: (c: RedisClient) => (c as ReturnType<typeof createClient>).scriptFlush(),
          close: (c: RedisClient) => (c as ReturnType<typeof createClient>).close(),
        }),
      ],
    ])('loads its scripts again after the server forgot them (%s)', async (_name, connect) => {
      const { client, flush, close } = await connect(server.url);
      try {
        const store = redisStore(client, { prefix: 'p:' });
        expect(await store.claim(`evt_${_name}_1`, 60_000)).toBe('claimed');
        await flush(client);
        expect(await store.claim(`evt_${_name}_1`, 60_000)).toBe('in_progress');
        await flush(client);
        await store.release(`evt_${_name}_1`);
        expect(await store.claim(`evt_${_name}_1`, 60_000)).toBe('claimed');
      } finally {
        await close(client);
      }
    });
  });
});
