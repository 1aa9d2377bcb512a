import { Redis } from 'ioredis';
import { bullmqInbox } from 'stripe-webhook-kit/bullmq';
import { createConsoleHandler } from 'stripe-webhook-kit/console';

const inbox = bullmqInbox({ connection: new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null }) });
// The version the handlers are typed for: the same as createWebhookHandler({ apiVersion }).
export const consoleApp = createConsoleHandler({ inbox, basePath: '/stripe', apiVersion: '2025-09-30.clover' });
