import { Redis } from 'ioredis';
import { bullmqInbox } from 'stripe-webhook-kit/bullmq';

const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
const inbox = bullmqInbox({ connection, queue: 'stripe-events', prefix: 'bull', retry: { limit: 8, delaySeconds: 10 } });
