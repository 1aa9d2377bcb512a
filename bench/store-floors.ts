// The floors of row 4: what a bare client costs running a store's statements at the same
// concurrency, without verification or the handler around them, so a reader can judge how much
// of a store's time is the database's. Two per database:
// - the two-statement floor: a claim and a completion, each its own round trip and durable commit
//   (what postgresStore ran per delivery before claims and completions shared statements; redisStore's claim script and SET);
// - the one-round-trip floor: a single `INSERT ... ON CONFLICT DO NOTHING`, or `SET NX PX`, the
//   least any design that records an event can send.
import { parseTableName } from '../src/stores/postgres/table-name.js';
import { claimScript } from '../src/stores/redis/scripts.js';
import { preIssue19ClaimStatement, preIssue19CompleteStatement } from './pre-19-postgres-store.js';
import { deleteKeys } from '../test/support/service-cleanup.js';

export const storeFloors = ['postgres-floor-2', 'postgres-floor-1', 'redis-floor-2', 'redis-floor-1'] as const;
export type StoreFloor = (typeof storeFloors)[number];

export interface FloorContender {
  /** Records one new event id; resolves whether the database answered as expected. */
  record(eventId: string): Promise<boolean>;
  detail: string;
  close(): Promise<void>;
}

const leaseMs = 60_000;
const retentionMs = 7 * 24 * 3600 * 1000;

export async function openFloor(name: StoreFloor, urls: { postgres: string; redis: string }, table: string): Promise<FloorContender> {
  if (name === 'postgres-floor-2' || name === 'postgres-floor-1') {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: urls.postgres, max: 10, connectionTimeoutMillis: 3000 });
    const quoted = parseTableName(table).quoted;
    try {
      await pool.query(`CREATE TABLE IF NOT EXISTS ${quoted} (event_id text PRIMARY KEY, state text NOT NULL, lease_token uuid, expires_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)`);
      const close = async () => {
        await pool.query(`DROP TABLE IF EXISTS ${quoted}`);
        await pool.end();
      };
      if (name === 'postgres-floor-1') {
        const insert = `INSERT INTO ${quoted} (event_id, state, expires_at, updated_at) VALUES ($1, 'done', now() + interval '7 days', now()) ON CONFLICT DO NOTHING`;
        return {
          detail: 'bare pg Pool (max 10): one INSERT ... ON CONFLICT DO NOTHING',
          record: async (eventId) => (await pool.query(insert, [eventId])).rowCount === 1,
          close,
        };
      }
      const claim = preIssue19ClaimStatement(quoted);
      const complete = preIssue19CompleteStatement(quoted);
      return {
        detail: 'bare pg Pool (max 10): the claim, then a durable one-event completion',
        record: async (eventId) => {
          const { rows } = await pool.query<{ claimed: boolean }>(claim, [eventId, globalThis.crypto.randomUUID(), leaseMs]);
          await pool.query(complete, [eventId, retentionMs]);
          return rows[0]?.claimed === true;
        },
        close,
      };
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  const prefix = `stripe-webhook-kit:bench-floor:${process.pid}:`;
  const { Redis } = await import('ioredis');
  const client = new Redis(urls.redis, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await client.connect();
    const close = async () => {
      await deleteKeys(client, prefix);
      await client.quit();
    };
    if (name === 'redis-floor-1') {
      return {
        detail: 'bare ioredis: one SET NX PX',
        record: async (eventId) => (await client.set(prefix + eventId, 'done', 'PX', retentionMs, 'NX')) === 'OK',
        close,
      };
    }
    const sha = (await client.script('LOAD', claimScript)) as string;
    return {
      detail: 'bare ioredis: the claim script (EVALSHA), then SET PX',
      record: async (eventId) => {
        const answer = await client.evalsha(sha, 1, prefix + eventId, globalThis.crypto.randomUUID(), String(leaseMs));
        await client.set(prefix + eventId, 'done', 'PX', retentionMs);
        return answer === 'claimed';
      },
      close,
    };
  } catch (error) {
    client.disconnect();
    throw error;
  }
}
