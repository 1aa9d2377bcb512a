import { createClient } from 'redis';
import { redisStore } from 'stripe-webhook-kit/redis';

// node-redis (v4 and later) must be connected before the store is used.
const client = await createClient({ url: process.env.REDIS_URL }).connect();
client.on('error', (error) => console.error('redis', error)); // without a listener, errors crash the process

export const store = redisStore(client, { prefix: 'shop:stripe-event:' });
