// The inbox contract on BullMQ and Redis.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { bullmqInbox } from '../../src/inbox/bullmq/bullmq-inbox.js';
import type { Inbox } from '../../src/inbox/types.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { redisUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { inboxContract } from './inbox-contract.js';

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
});
