// The inbox contract on BullMQ and Redis.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInboxWorker } from '../../src/inbox/start-inbox-worker.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { bullmqInbox } from '../../src/inbox/bullmq/bullmq-inbox.js';
import type { Inbox } from '../../src/inbox/types.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { redisUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { inboxContract, statusOf } from './inbox-contract.js';

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
});
