// Makes an event dead the way production does: a worker whose handler always throws, on an inbox
// with no retries left (`retry: { limit: 0 }`), until the event's status is `dead`.
import { startInboxWorker, type InboxWorkerOptions } from '../../src/inbox/start-inbox-worker.js';
import type { Inbox } from '../../src/inbox/types.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { statusOf } from './inbox-contract.js';

export async function runUntilDead(inbox: Inbox, eventId: string, options: Partial<InboxWorkerOptions> = {}): Promise<void> {
  const router = createWebhookRouter().onAny(() => {
    throw new Error('the handler is broken');
  });
  const worker = startInboxWorker({ inbox, router, logger: false, ...options });
  try {
    await statusOf(inbox, eventId, 'dead');
  } finally {
    await worker.stop();
  }
}
