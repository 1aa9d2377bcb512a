// INBOX=1: the webhook stores each event in a durable inbox and answers 200 at once; a worker runs
// the order handlers afterwards, with retries, backoff and dead letters. The inbox is pg-boss on the
// orders' own database (PGlite, or DATABASE_URL), so an order's transition commits with the event's
// done mark (ctx.db), exactly as without the inbox.
//
//   INBOX=1        ingress and a worker in the same process (works on PGlite)
//   INBOX=ingress  ingress only; run workers apart, on the same DATABASE_URL:
//                  node --import tsx examples/shared/inbox.ts
import { pathToFileURL } from 'node:url';
import { startInboxWorker, type Inbox, type WebhookRouter } from 'stripe-webhook-kit';
import { pgBossInbox, type PgBossLike } from 'stripe-webhook-kit/pg-boss';
import { loadConfig } from './config.js';
import { createOrderWebhooks } from './order-webhooks.js';
import { openOrdersDb, type OrdersDb } from './orders-db.js';

export interface OrdersInbox {
  inbox: Inbox;
  /** Finishes the events the worker holds, then stops pg-boss. */
  stop(): Promise<void>;
}

type Boss = PgBossLike & { start(): Promise<unknown>; stop(options?: object): Promise<void>; on(event: 'error', listener: (error: Error) => void): unknown };

/** The inbox INBOX asks for (and its worker, unless INBOX=ingress), or `undefined` when INBOX is unset. */
export async function openOrdersInbox(orders: OrdersDb, router: WebhookRouter, env: NodeJS.ProcessEnv = process.env): Promise<OrdersInbox | undefined> {
  const mode = env.INBOX?.trim().toLowerCase();
  if (!mode || mode === '0' || mode === 'false') return undefined;
  if (mode === 'ingress' && !env.DATABASE_URL) {
    throw new Error('INBOX=ingress runs the workers in other processes, which need the same database: set DATABASE_URL (PGlite lives in this process only).');
  }
  return startInbox(orders, env, mode === 'ingress' ? undefined : router);
}

async function startInbox(orders: OrdersDb, env: NodeJS.ProcessEnv, router: WebhookRouter | undefined): Promise<OrdersInbox> {
  // pg-boss 10 exports the class as default; 11 and later as { PgBoss }.
  const module = (await import('pg-boss')) as unknown as { PgBoss?: new (options: object) => Boss; default: new (options: object) => Boss };
  const PgBoss = module.PgBoss ?? module.default;
  const pglite = orders.client as { exec?: (text: string) => Promise<Array<{ rows: unknown[] }>>; query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };
  const boss = env.DATABASE_URL
    ? new PgBoss({ connectionString: env.DATABASE_URL, schema: env.PGBOSS_SCHEMA ?? 'pgboss' })
    : // pg-boss on PGlite: its migrations are several statements without parameters, which only exec() runs.
      new PgBoss({ db: { executeSql: async (text: string, values?: unknown[]) => (values?.length ? pglite.query(text, values) : { rows: (await pglite.exec!(text)).flatMap((result) => result.rows) }) } });
  boss.on('error', (error) => console.warn('[inbox] pg-boss:', error.message));
  await boss.start();
  // Short retries, so that a failing handler is seen retried and dead-lettered within a minute.
  // INBOX_RETRY_DELAY_SECONDS (a whole number) shortens them further: the demo waits for them.
  const delaySeconds = Number(env.INBOX_RETRY_DELAY_SECONDS ?? 2);
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0) throw new Error(`INBOX_RETRY_DELAY_SECONDS must be a whole number of seconds, got "${env.INBOX_RETRY_DELAY_SECONDS}"`);
  const inbox = pgBossInbox(boss, { db: orders.client, transactional: true, retry: { limit: 2, delaySeconds, backoff: true }, pollingIntervalSeconds: 0.5 });
  const worker = router ? startInboxWorker({ inbox, router, concurrency: 4 }) : undefined;
  await worker?.ready;
  console.log(`inbox: pg-boss on ${env.DATABASE_URL ? 'DATABASE_URL' : 'PGlite'}${worker ? ', with a worker in this process' : ', ingress only'}`);
  return {
    inbox,
    async stop() {
      await worker?.stop();
      await boss.stop({ graceful: false, wait: true });
    },
  };
}

// Run directly: a worker process on DATABASE_URL, beside servers started with INBOX=ingress.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('a separate inbox worker needs DATABASE_URL: the database the servers store their events in.');
  const orders = await openOrdersDb(config.databaseUrl);
  const { stop } = await startInbox(orders, { ...process.env, INBOX: '1' }, createOrderWebhooks(orders));
  console.log('inbox worker ready');
  const shutdown = () => void stop().then(() => orders.close()).then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
