/** An ioredis client: BullMQ's own connection type, and the one the event log's scripts run on. */
export interface RedisLike {
  /** ioredis `eval`: runs the event log's Lua scripts. */
  eval(script: string, numberOfKeys: number, ...args: Array<string | number>): Promise<unknown>;
  /** ioredis `evalsha`: runs a script Redis has cached, without sending its text again. */
  evalsha?(sha: string, numberOfKeys: number, ...args: Array<string | number>): Promise<unknown>;
  /** ioredis's connection state: `ready` while Redis answers. */
  status?: string;
  /** ioredis's socket to Redis, where it has one: written to in the order commands are sent. */
  stream?: {
    /** Holds what is written until `uncork`. */
    cork(): void;
    /** Writes what `cork` held, in one write. */
    uncork(): void;
  };
}

const scriptHashes = new Map<string, Promise<string>>();
// The hashes once known: a worker runs two scripts per job, and awaiting a settled promise for
// each would cost a turn of the microtask queue.
const knownHashes = new Map<string, string>();

/** Hex SHA-1 of a script, as Redis names it in its cache (Web Crypto: the subpath imports no Node module). */
function scriptHash(text: string): Promise<string> {
  let hash = scriptHashes.get(text);
  if (!hash) {
    hash = globalThis.crypto.subtle.digest('SHA-1', new TextEncoder().encode(text)).then((digest) => {
      const hex = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
      knownHashes.set(text, hex);
      return hex;
    });
    scriptHashes.set(text, hash);
  }
  return hash;
}

/**
 * Runs one of the log's scripts by its hash (EVALSHA), so each call sends its arguments and not
 * the script's kilobytes of text again; a server that has not cached it yet (a restart, SCRIPT
 * FLUSH) answers NOSCRIPT, and EVAL then runs and caches it.
 */
export async function runScript(redis: RedisLike, text: string, ...args: Array<string | number>): Promise<unknown> {
  if (typeof redis.evalsha !== 'function') return redis.eval(text, 0, ...args);
  const evalsha = redis.evalsha.bind(redis);
  const byHash = (hash: string) =>
    evalsha(hash, 0, ...args).catch((error: unknown) => {
      if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
      return redis.eval(text, 0, ...args);
    });
  const known = knownHashes.get(text);
  return known === undefined ? scriptHash(text).then(byHash) : byHash(known);
}
