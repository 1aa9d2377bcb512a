import type { ClaimResult, IdempotencyStore } from '../types.js';
import { createLeaseTokens } from './lease-tokens.js';
import { invalidOption } from '../options.js';
import { durableRetentionMs } from './retention.js';
import { commandError, connectRedis, type RedisClient } from './redis/redis-connection.js';
import { claimScript, createScriptRunner, releaseScript } from './redis/scripts.js';

export type { IoRedisClient, NodeRedisClient, RedisClient } from './redis/redis-connection.js';
export { IdempotencyStoreError, type IdempotencyStoreErrorCode } from './store-error.js';

/** Options of `redisStore`: the key prefix and how long done events are kept. */
export interface RedisStoreOptions {
  /** Prepended to each event id to make its key. Default `stripe-webhook-kit:event:`. */
  prefix?: string;
  /** How long a done event is remembered, in ms. Default 7 days (Stripe retries for 3). */
  retentionMs?: number;
}

export interface RedisStore extends IdempotencyStore {
  /** The key prefix, as configured. */
  readonly prefix: string;
}

/**
 * Deduplicates Stripe events in Redis, shared by every instance of the app. Takes an `ioredis`
 * client or a connected `redis` (node-redis v4+) client. Claim and release are small Lua scripts,
 * complete is one SET: each a single atomic round trip. Leases and retention are key TTLs, kept
 * by Redis's clock, so nothing needs cleaning up.
 *
 * Redis must not evict these keys: use `maxmemory-policy noeviction` (or a dedicated instance),
 * since an evicted done marker lets a retried event run twice.
 *
 * @example
 * const store = redisStore(new Redis(process.env.REDIS_URL));
 * app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router, store }));
 */
export function redisStore(client: RedisClient, options: RedisStoreOptions = {}): RedisStore {
  if (typeof client !== 'object' || client === null) throw new TypeError('redisStore: pass an ioredis client or a connected node-redis client.');
  const prefix = options.prefix ?? 'stripe-webhook-kit:event:';
  if (typeof prefix !== 'string') throw invalidOption('type', 'redisStore', 'prefix', 'a string such as "shop:stripe-event:"', prefix);
  const retentionMs = durableRetentionMs('redisStore', options.retentionMs);
  const send = connectRedis(client, prefix);
  const runClaim = createScriptRunner(send, claimScript);
  const runRelease = createScriptRunner(send, releaseScript);
  const tokens = createLeaseTokens();
  // PX takes whole milliseconds; rounding up never shortens a lease or a retention.
  const retention = String(Math.ceil(retentionMs));

  async function attempt<T>(action: string, eventId: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      throw commandError(prefix, `${action} event ${JSON.stringify(eventId)}`, error);
    }
  }

  return {
    prefix,
    async claim(eventId, leaseMs, ownToken) {
      if (!(leaseMs > 0)) throw invalidOption('range', 'redisStore.claim', 'leaseMs', 'a positive number of milliseconds', leaseMs);
      return attempt('claim', eventId, async (): Promise<ClaimResult> => {
        // A caller without tokens of its own gets one remembered per event id (the older API).
        const token = ownToken ?? tokens.create();
        const answer = await runClaim([prefix + eventId], [token, String(Math.ceil(leaseMs))]);
        if (answer === 'claimed' && ownToken === undefined) tokens.remember(eventId, token);
        if (answer === 'claimed' || answer === 'done' || answer === 'in_progress') return answer;
        throw new Error(`unexpected reply ${JSON.stringify(answer)} from the claim script`);
      });
    },
    async complete(eventId) {
      tokens.take(eventId);
      return attempt('complete', eventId, async () => {
        await send(['SET', prefix + eventId, 'done', 'PX', retention]);
      });
    },
    async release(eventId, ownToken) {
      const remembered = tokens.take(eventId);
      const token = ownToken ?? remembered ?? '';
      return attempt('release', eventId, async () => {
        await runRelease([prefix + eventId], [token]);
      });
    },
  };
}
