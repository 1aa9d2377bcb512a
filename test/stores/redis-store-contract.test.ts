import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe } from 'vitest';
import { redisStore } from '../../src/stores/redis-store.js';
import { useRedisAdmin } from '../support/redis-admin.js';
import { redisUrl, serviceAvailable } from '../support/services.js';
import { storeContract, type StoreSubject } from './store-contract.js';

const redis = await serviceAvailable('Redis');
const traits = { separateInstances: true, needsCleanup: false };
// One connection per store instance, like one per process.
const instances = 4;

async function connectNodeRedis() {
  const client = createClient({ url: redisUrl });
  await client.connect();
  return client;
}

describe.skipIf(!redis)('redisStore meets the store contract', () => {
  const { prefix, stored } = useRedisAdmin('events');

  describe('through ioredis', () => {
    const clients: Redis[] = [];
    beforeAll(() => {
      for (let index = 0; index < instances; index++) clients.push(new Redis(redisUrl));
    });
    afterAll(() => clients.forEach((client) => client.disconnect()));
    let next = 0;
    storeContract(
      (): StoreSubject => ({ open: (options) => redisStore(clients[next++ % instances] as Redis, { prefix, ...options }), stored }),
      traits,
    );
  });

  describe('through node-redis', () => {
    const clients: Array<Awaited<ReturnType<typeof connectNodeRedis>>> = [];
    beforeAll(async () => {
      for (let index = 0; index < instances; index++) clients.push(await connectNodeRedis());
    });
    afterAll(async () => {
      for (const client of clients) await client.close();
    });
    let next = 0;
    storeContract(
      (): StoreSubject => ({
        open: (options) => redisStore(clients[next++ % instances] as Awaited<ReturnType<typeof connectNodeRedis>>, { prefix, ...options }),
        stored,
      }),
      traits,
    );
  });
});
