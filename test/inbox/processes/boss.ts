// What the ingress and worker processes of the crash and restart tests share: the inbox the test
// names in the environment. INBOX_ENGINE=pg-boss (default): pg-boss on INBOX_DATABASE_URL, the event
// log in INBOX_SCHEMA; INBOX_ENGINE=bullmq: BullMQ on INBOX_REDIS_URL, keys under INBOX_SCHEMA.
import { Redis } from 'ioredis';
import PgBoss from 'pg-boss';
import pg from 'pg';
import { bullmqInbox } from '../../../src/inbox/bullmq/bullmq-inbox.js';
import { pgBossInbox } from '../../../src/inbox/pg-boss/pg-boss-inbox.js';
import type { Inbox } from '../../../src/inbox/types.js';

export const secret = 'whsec_inbox_crash';

export interface OpenedInbox {
  inbox: Inbox;
  /** Stops the engine's client after the worker stopped. */
  close(): Promise<void>;
}

/** `env`: the process's by default; the tests pass theirs to read the same inbox. */
export async function openInbox(role: 'ingress' | 'worker', env: NodeJS.ProcessEnv = process.env): Promise<OpenedInbox> {
  const schema = env.INBOX_SCHEMA as string;
  const leaseMs = Number(env.INBOX_LEASE_MS ?? 3000);
  const retry = { limit: 50, delaySeconds: 1, backoff: false };
  if (env.INBOX_ENGINE === 'bullmq') {
    // maxRetriesPerRequest null (BullMQ's requirement): commands wait for a restarted server.
    const connection = new Redis(env.INBOX_REDIS_URL as string, { maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    const inbox = bullmqInbox({ connection, prefix: schema, queue: 'crash', leaseMs, retry });
    return { inbox, close: async () => void (await inbox.close(), connection.disconnect()) };
  }
  const url = env.INBOX_DATABASE_URL as string;
  const boss = new PgBoss({ connectionString: url, schema, max: 4, supervise: role === 'worker', schedule: false, maintenanceIntervalSeconds: 1, monitorStateIntervalSeconds: 1 });
  // A restart of PostgreSQL is expected in these tests: pg-boss reconnects by itself.
  boss.on('error', () => undefined);
  await boss.start();
  const db = new pg.Pool({ connectionString: url, max: 8 });
  db.on('error', () => undefined);
  const inbox = pgBossInbox(boss, { db, table: `${schema}.events`, queue: 'crash', leaseMs, retry, transactional: true, pollingIntervalSeconds: 0.5 });
  return { inbox, close: () => boss.stop({ graceful: false, wait: true }) };
}
