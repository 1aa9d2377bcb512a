/**
 * A durable idempotency store on Redis, through `ioredis` or `redis` (node-redis v4 and later).
 * It imports neither: it takes your client. See [stores](../../docs/stores.md).
 *
 * @module stripe-webhook-kit/redis
 */

export * from '../stores/redis-store.js';
