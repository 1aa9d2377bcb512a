// The test's own connection to the shared Redis, beside the clients under test: it inspects keys
// and, after the tests, deletes every key under the describe's unique prefix.
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { deleteKeys } from './service-cleanup.js';
import { redisUrl, uniqueName } from './services.js';

export interface RedisAdmin {
  /** A key prefix no other run uses, ending in `:`. */
  readonly prefix: string;
  /** Connected in `beforeAll`, closed in `afterAll`. */
  readonly client: Redis;
  /** Whether a key exists for `eventId` under the prefix. */
  stored(eventId: string): Promise<boolean>;
}

/** Call inside a `describe`: registers the hooks that open the connection and clean up the prefix. */
export function useRedisAdmin(kind: string): RedisAdmin {
  const prefix = `${uniqueName(kind)}:`;
  let client: Redis | undefined;
  beforeAll(() => {
    client = new Redis(redisUrl);
  });
  afterAll(async () => {
    if (!client) return;
    await deleteKeys(client, prefix);
    client.disconnect();
  });
  const admin: RedisAdmin = {
    prefix,
    get client() {
      if (!client) throw new Error('the Redis admin connection opens in beforeAll: use it inside a test or hook');
      return client;
    },
    stored: async (eventId) => (await admin.client.exists(prefix + eventId)) === 1,
  };
  return admin;
}
