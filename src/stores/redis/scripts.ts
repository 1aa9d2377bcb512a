import type { SendCommand } from './redis-connection.js';

/*
 * A key per event id. Its value is the claimer's lease token while in progress, or 'done'; its
 * TTL (Redis's clock, shared by every app host) is the lease or the retention. A script runs
 * atomically on the server: nothing else touches the key between its GET and its SET or DEL.
 */

/**
 * KEYS[1] the event's key; ARGV[1] this claim's token, ARGV[2] the lease in ms. Answers the state
 * in the same round trip that takes the claim: SET NX alone could not tell 'done' from
 * 'in_progress' without a second, racy read. A key holding this very token is this claim, sent
 * again (ioredis resends a command whose reply was lost to a reconnect): it is still 'claimed'.
 */
export const claimScript = `local held = redis.call('GET', KEYS[1])
if not held then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 'claimed'
end
if held == 'done' then return 'done' end
if held == ARGV[1] then return 'claimed' end
return 'in_progress'`;

/**
 * KEYS[1] the event's key; ARGV[1] the releasing claim's token, or '' when this store instance
 * holds none. Never deletes 'done' (a late release must not let the event run again), and never
 * another process's newer lease.
 */
export const releaseScript = `local held = redis.call('GET', KEYS[1])
if held and held ~= 'done' and (ARGV[1] == '' or held == ARGV[1]) then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * Runs a script by its SHA-1 (the script text is sent only when the server does not have it yet,
 * after a restart or a SCRIPT FLUSH), one round trip in the usual case.
 */
export function createScriptRunner(send: SendCommand, script: string): (keys: string[], args: string[]) => Promise<unknown> {
  let sha: Promise<string> | undefined;
  return async (keys, args) => {
    sha ??= sha1Hex(script);
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await send(['EVALSHA', await sha, ...tail]);
    } catch (error) {
      if (!(error instanceof Error && String(error.message).startsWith('NOSCRIPT'))) throw error;
      return send(['EVAL', script, ...tail]);
    }
  };
}

// Web Crypto rather than node:crypto: this subpath imports nothing.
async function sha1Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
