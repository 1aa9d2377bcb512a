// One inbox on a real engine, opened in the test process and again, from the environment, in a
// worker process: pg-boss on PostgreSQL (each run in a schema of its own) or BullMQ on Redis
// (each run under a key prefix of its own).
import { Redis } from 'ioredis';
import pg from 'pg';
import { bullmqInbox } from '../../../src/inbox/bullmq/bullmq-inbox.js';
import { pgBossInbox } from '../../../src/inbox/pg-boss/pg-boss-inbox.js';
import type { Inbox } from '../../../src/inbox/types.js';
import { loadPgBoss, pgBossMajor, type PgBossSetup } from '../../support/pg-boss-engines.js';
import { deleteKeys } from '../../support/service-cleanup.js';
import { pgUrl, redisUrl, uniqueName } from '../../support/services.js';

export type Engine = 'pg-boss' | 'bullmq';

export interface OpenedInbox {
  inbox: Inbox;
  /** What a worker process needs to open the same inbox (see `openInboxFromEnv`). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** A new inbox, with a schema or key prefix no other run uses. */
export function createInbox(engine: Engine): Promise<OpenedInbox> {
  const env: Record<string, string> =
    engine === 'pg-boss'
      ? { INBOX_ENGINE: engine, INBOX_DATABASE_URL: pgUrl, INBOX_SCHEMA: uniqueName('nestbox'), INBOX_PGBOSS_MAJOR: String(pgBossMajor) }
      : { INBOX_ENGINE: engine, INBOX_REDIS_URL: redisUrl, INBOX_PREFIX: uniqueName('nestbull') };
  return openInbox(env, true);
}

/** The inbox a test process created, in a worker process. */
export function openInboxFromEnv(): Promise<OpenedInbox> {
  const keys = ['INBOX_ENGINE', 'INBOX_DATABASE_URL', 'INBOX_SCHEMA', 'INBOX_PGBOSS_MAJOR', 'INBOX_REDIS_URL', 'INBOX_PREFIX'];
  return openInbox(Object.fromEntries(keys.flatMap((key) => (process.env[key] ? [[key, process.env[key]]] : []))), false);
}

async function openInbox(env: Record<string, string>, owner: boolean): Promise<OpenedInbox> {
  const queue = 'nest-orders';
  if (env.INBOX_ENGINE === 'bullmq') {
    const connection = new Redis(env.INBOX_REDIS_URL as string, { maxRetriesPerRequest: null });
    const inbox = bullmqInbox({ connection, prefix: env.INBOX_PREFIX, queue });
    return {
      inbox,
      env,
      async close() {
        await inbox.close();
        if (owner) await deleteKeys(connection, env.INBOX_PREFIX as string);
        connection.disconnect();
      },
    };
  }
  const PgBoss = await loadPgBoss(Number(env.INBOX_PGBOSS_MAJOR));
  const schema = env.INBOX_SCHEMA as string;
  const boss = new PgBoss({ connectionString: env.INBOX_DATABASE_URL, schema, max: 4, schedule: false, maintenanceIntervalSeconds: 1, monitorStateIntervalSeconds: 1 }) as PgBossSetup['boss'];
  boss.on('error', () => undefined);
  await (boss as unknown as { start(): Promise<unknown> }).start();
  const db = new pg.Pool({ connectionString: env.INBOX_DATABASE_URL, max: 4 });
  const inbox = pgBossInbox(boss, { db, table: `${schema}.events`, queue, pollingIntervalSeconds: 0.5 });
  return {
    inbox,
    env,
    async close() {
      await boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
      if (owner) await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.end();
    },
  };
}

/** An inbox whose storage refuses connections: a real client pointed at a closed port. */
export async function createBrokenInbox(engine: Engine): Promise<OpenedInbox> {
  if (engine === 'bullmq') {
    const connection = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
    connection.on('error', () => undefined);
    const inbox = bullmqInbox({ connection, prefix: uniqueName('nestbroken'), queue: 'broken' });
    return { inbox, env: {}, close: async () => void (await inbox.close().catch(() => undefined), connection.disconnect()) };
  }
  const refused = 'postgres://postgres@127.0.0.1:1/test';
  const PgBoss = await loadPgBoss();
  const boss = new PgBoss({ connectionString: refused }) as PgBossSetup['boss'];
  const db = new pg.Pool({ connectionString: refused, connectionTimeoutMillis: 2000 });
  db.on('error', () => undefined);
  return { inbox: pgBossInbox(boss, { db, queue: 'broken' }), env: {}, close: () => db.end() };
}
