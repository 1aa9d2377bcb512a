// Opens an inbox for `stripe-webhook-kit inbox ...` from a URL, with the app's own engine packages
// (loaded from the project the command runs in: the kit depends on none of them).
import type { Inbox } from '../inbox/types.js';
import { usageError } from './errors.js';

export interface InboxConnection {
  inbox: Inbox;
  close: () => Promise<void>;
}

export interface InboxTarget {
  databaseUrl?: string;
  redisUrl?: string;
  queue?: string;
  table?: string;
  prefix?: string;
  /** pg-boss's schema (default pgboss). */
  schema?: string;
}

/** The options every command that opens an inbox takes (`inbox`, `console`). */
export const inboxTargetOptions = {
  'database-url': { type: 'string' },
  'redis-url': { type: 'string' },
  queue: { type: 'string' },
  table: { type: 'string' },
  prefix: { type: 'string' },
  schema: { type: 'string' },
} as const;

type InboxTargetValues = { [name in keyof typeof inboxTargetOptions]?: string };

/** The inbox the options name; `DATABASE_URL` stands in for `--database-url` unless `--redis-url` is given. */
export function inboxTargetOf(values: InboxTargetValues, env: NodeJS.ProcessEnv): InboxTarget {
  return {
    databaseUrl: values['database-url'] ?? (values['redis-url'] === undefined ? env.DATABASE_URL || undefined : undefined),
    redisUrl: values['redis-url'],
    queue: values.queue,
    table: values.table,
    prefix: values.prefix,
    schema: values.schema,
  };
}

export async function connectInbox(target: InboxTarget): Promise<InboxConnection> {
  if (target.databaseUrl !== undefined && target.redisUrl !== undefined) throw usageError('pass either --database-url or --redis-url, not both');
  if (target.databaseUrl !== undefined) return connectPgBoss(target.databaseUrl, target);
  if (target.redisUrl !== undefined) return connectBullmq(target.redisUrl, target);
  throw usageError('missing --database-url <postgres://...> (pg-boss inbox) or --redis-url <redis://...> (BullMQ inbox)');
}

async function load<T>(name: string, why: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch {
    throw usageError(`cannot load "${name}" (${why}): run the command in your app's folder, where it is installed`);
  }
}

async function connectPgBoss(url: string, target: InboxTarget): Promise<InboxConnection> {
  const { pgBossInbox } = await import('../inbox/pg-boss/pg-boss-inbox.js');
  const pgModule = await load<{ default: { Pool: new (options: object) => { end(): Promise<void> } } }>('pg', 'the PostgreSQL client');
  const bossModule = await load<{ PgBoss?: unknown; default?: unknown }>('pg-boss', 'replay sends pg-boss jobs');
  const PgBoss = (bossModule.PgBoss ?? bossModule.default) as new (options: object) => { start(): Promise<unknown>; stop(options?: object): Promise<void>; on(event: string, listener: () => void): unknown };
  const boss = new PgBoss({ connectionString: url, max: 2, supervise: false, schedule: false, migrate: false, ...(target.schema ? { schema: target.schema } : {}) });
  boss.on('error', () => undefined);
  await boss.start();
  const db = new pgModule.default.Pool({ connectionString: url, max: 2 });
  const inbox = pgBossInbox(boss as never, { db, queue: target.queue, table: target.table });
  return {
    inbox,
    async close() {
      await boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
      await db.end();
    },
  };
}

async function connectBullmq(url: string, target: InboxTarget): Promise<InboxConnection> {
  const { bullmqInbox } = await import('../inbox/bullmq/bullmq-inbox.js');
  const { Redis } = await load<{ Redis: new (url: string, options: object) => { quit(): Promise<unknown>; eval(...args: never[]): Promise<unknown> } }>('ioredis', 'the Redis client');
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const inbox = bullmqInbox({ connection: connection, queue: target.queue, prefix: target.prefix });
  return {
    inbox,
    async close() {
      await inbox.close();
      await connection.quit();
    },
  };
}
