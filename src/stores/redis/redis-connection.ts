import { IdempotencyStoreError, causeText } from '../store-error.js';

/** The part of an `ioredis` client (v5, v6) the store uses. */
export interface IoRedisClient {
  status: string;
  /** Sends any command (ioredis's `call`). */
  call(command: string, args: Array<string | number>): Promise<unknown>;
}

/** The part of a `redis` (node-redis v4 and later) client the store uses. */
export interface NodeRedisClient {
  isOpen: boolean;
  /** Sends any command (node-redis's `sendCommand`). */
  sendCommand(args: string[]): Promise<unknown>;
}

/** An `ioredis` client or a `redis` (node-redis) client. */
export type RedisClient = IoRedisClient | NodeRedisClient;

/** Sends one command, whichever library the client comes from. */
export type SendCommand = (args: string[]) => Promise<unknown>;

/**
 * Picks the way to send raw commands by the client's shape: both libraries are optional peers and
 * neither is imported. ioredis is tested first because it also has a (different) `sendCommand`.
 */
export function connectRedis(client: RedisClient, prefix: string): SendCommand {
  const shape = client as unknown as Record<string, unknown>;
  if (typeof shape.call === 'function' && typeof shape.status === 'string') {
    const ioredis = client as IoRedisClient;
    return (args) => {
      // 'end': quit() or disconnect() ran, or retryStrategy gave up; ioredis never reconnects.
      // ('wait' is lazyConnect: the first command connects.)
      if (ioredis.status === 'end') throw notConnected(prefix, 'the ioredis client was closed (quit() or disconnect()); pass an open client');
      const [command, ...rest] = args as [string, ...string[]];
      return ioredis.call(command, rest);
    };
  }
  if (typeof shape.sendCommand === 'function' && typeof shape.isOpen === 'boolean') {
    const nodeRedis = client as NodeRedisClient;
    return (args) => {
      if (!nodeRedis.isOpen) throw notConnected(prefix, 'the redis client is not connected: call `await client.connect()` first');
      return nodeRedis.sendCommand(args);
    };
  }
  throw new TypeError('redisStore: pass an ioredis client (`new Redis(url)`) or a connected node-redis client (`await createClient({ url }).connect()`).');
}

function notConnected(prefix: string, reason: string): IdempotencyStoreError {
  return new IdempotencyStoreError('redis', 'not_connected', `redisStore (prefix "${prefix}"): ${reason}.`);
}

// ioredis: "Connection is closed.", MaxRetriesPerRequestError; node-redis: ClientClosedError,
// ClientOfflineError, SocketClosedUnexpectedlyError, ConnectionTimeoutError; sockets: ECONNREFUSED...
const connectionFailure = /connection is closed|client is closed|client is offline|socket closed|connection timeout|max retries|ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH/i;

/** Wraps what a command threw in an error naming the prefix, the action and the cause. */
export function commandError(prefix: string, action: string, error: unknown): IdempotencyStoreError {
  if (IdempotencyStoreError.is(error)) return error;
  const cause = causeText(error);
  const name = error instanceof Error ? error.name : '';
  if (connectionFailure.test(`${name} ${cause}`)) {
    return new IdempotencyStoreError('redis', 'not_connected', `redisStore: cannot reach Redis to ${action} (prefix "${prefix}"): ${cause}.`, { cause: error });
  }
  return new IdempotencyStoreError('redis', 'query_failed', `redisStore: failed to ${action} (prefix "${prefix}"): ${cause}.`, { cause: error });
}
