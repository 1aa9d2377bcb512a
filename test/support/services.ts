// The real servers the store tests run against, and what happens when one is missing: in CI the
// run fails (a skipped store test would hide a broken store), locally the tests skip loudly.
import pg from 'pg';
import { Redis } from 'ioredis';

export const pgUrl = process.env.PGURL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

type Service = 'PostgreSQL' | 'Redis';

/**
 * Resolves `true` when the service answers. When it does not: throws under `CI=true`, else warns
 * (naming the service and how to start it) and resolves `false`, for `describe.skipIf(!ok)`.
 */
export async function serviceAvailable(service: Service): Promise<boolean> {
  const problem = await probe(service);
  if (problem === undefined) return true;
  const where = service === 'PostgreSQL' ? `${pgUrl} (PGURL)` : `${redisUrl} (REDIS_URL)`;
  const message = `${service} is not reachable at ${where}: ${problem}`;
  if (process.env.CI === 'true') throw new Error(`${message}. CI must run the store tests against it (.ci/run starts it).`);
  console.warn(`\n  SKIPPING the ${service} tests: ${message}. Start ${service} to run them.\n`);
  return false;
}

async function probe(service: Service): Promise<string | undefined> {
  try {
    if (service === 'PostgreSQL') {
      const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    } else {
      const client = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await client.connect();
        await client.ping();
      } finally {
        client.disconnect();
      }
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  }
}

/**
 * A name no other run uses at the same time (tables, key prefixes): test files and CI jobs share
 * one PostgreSQL and one Redis. Lower case, so it is a valid unquoted PostgreSQL identifier.
 */
export function uniqueName(kind: string): string {
  const random = Math.floor(Math.random() * 36 ** 6).toString(36);
  return `swk_${kind}_${process.pid.toString(36)}_${Date.now().toString(36)}_${random}`;
}
