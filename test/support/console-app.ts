// A real console over a real inbox, for the console's tests, its browser test and the screenshot
// script: pg-boss on PGlite (or on PostgreSQL, or BullMQ on Redis), a worker whose handler fails for "broken" orders
// until the test fixes it, and the console served by node:http on a free port.
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import type Stripe from 'stripe';
import { consoleNodeListener } from '../../src/console/node-listener.js';
import { createConsoleHandler, type ConsoleHandler, type ConsoleOptions } from '../../src/console/create-console-handler.js';
import { bullmqInbox } from '../../src/inbox/bullmq/bullmq-inbox.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker } from '../../src/inbox/start-inbox-worker.js';
import type { Inbox, InboxStatus } from '../../src/inbox/types.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { startPgBossOnPglite, startPgBossOnPostgres, type PgBossSetup } from './pg-boss-engines.js';
import { listening } from './listen.js';
import type { RunningServer } from './status-contract.js';
import { deleteKeys } from './service-cleanup.js';
import { redisUrl, uniqueName } from './services.js';

export interface ConsoleApp {
  /** The console's URL, e.g. http://127.0.0.1:4321/ops (no trailing slash). */
  url: string;
  inbox: Inbox;
  /** The PGlite the event log lives in (pg-boss engine only): scripts stage history with it. */
  db?: PgBossSetup['db'];
  /** The Web handler itself, for calls that no node:http server makes (no client address). */
  handler: ConsoleHandler;
  /** The handler stops failing: what an operator does before replaying. */
  fix(): void;
  /** Enqueues the events and waits until each has settled (done, dead or discarded). */
  seed(events: readonly Stripe.Event[]): Promise<void>;
  /** Waits until the event has `status`. */
  statusOf(id: string, status: InboxStatus): Promise<void>;
  close(): Promise<void>;
}

export interface ConsoleAppOptions extends Omit<ConsoleOptions, 'inbox'> {
  /** `pg-boss` runs on PGlite, `pg-boss-postgres` on the PostgreSQL of PGURL. */
  engine?: 'pg-boss' | 'pg-boss-postgres' | 'bullmq';
  /** Which orders the handler fails until `fix()`; default: those named `broken*`. */
  fails?: (orderId: string) => boolean;
}

/** A checkout event for `orderId`; orders named `broken-*` fail until `fix()`. */
export function orderEvent(orderId: string, overrides: Record<string, unknown> = {}): Stripe.Event {
  return createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId }, payment_status: 'paid' } }, ...overrides } as never) as Stripe.Event;
}

async function eventually(what: string, probe: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startConsoleApp(options: ConsoleAppOptions = {}): Promise<ConsoleApp> {
  const { engine = 'pg-boss', fails = (orderId: string) => orderId.startsWith('broken'), ...consoleOptions } = options;
  const closers: (() => Promise<void>)[] = [];
  let inbox: Inbox;
  let db: PgBossSetup['db'] | undefined;
  // No retries: a failing event is dead after one attempt, so tests reach `dead` at once.
  const retry = { limit: 0, delaySeconds: 0 };
  if (engine !== 'bullmq') {
    const setup = engine === 'pg-boss' ? await startPgBossOnPglite() : await startPgBossOnPostgres();
    closers.push(() => setup.close());
    db = setup.db;
    // On PostgreSQL the table lives in the setup's own schema, dropped when it closes.
    const table = engine === 'pg-boss' ? 'console_events' : setup.table;
    inbox = pgBossInbox(setup.boss, { db: setup.db, table, queue: 'console', pollingIntervalSeconds: 0.5, retry });
  } else {
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const prefix = uniqueName('console');
    inbox = bullmqInbox({ connection, prefix, queue: 'console', retry });
    closers.push(async () => {
      await inbox.close();
      await deleteKeys(connection, prefix);
      connection.disconnect();
    });
  }
  let broken = true;
  const router = createWebhookRouter().onAny((event) => {
    const orderId = ((event as Stripe.Event).data.object as { metadata?: Record<string, string> }).metadata?.orderId ?? '';
    if (broken && fails(orderId)) throw new Error(`carrier refused order ${orderId}`);
  });
  const worker = startInboxWorker({ inbox, router, logger: false });
  closers.unshift(() => worker.stop());

  const consoleApp = createConsoleHandler({ inbox, ...consoleOptions });
  const running = await serveConsole(consoleApp, options.basePath);
  closers.unshift(() => running.close());

  const statusOf = (id: string, status: InboxStatus) => eventually(`${id} to be ${status}`, async () => (await inbox.get(id))?.status === status);
  return {
    url: running.url,
    inbox,
    db,
    handler: consoleApp,
    fix: () => {
      broken = false;
    },
    async seed(events) {
      for (const event of events) await inbox.enqueue(event);
      for (const event of events) {
        await eventually(`${event.id} to settle`, async () => ['done', 'dead', 'discarded'].includes((await inbox.get(event.id))?.status ?? ''));
      }
    },
    statusOf,
    async close() {
      for (const close of closers) await close();
    },
  };
}

/** Serves a console handler on node:http at 127.0.0.1 (a free port); `url` ends with the base path. */
export async function serveConsole(consoleApp: ConsoleHandler, basePath = ''): Promise<RunningServer> {
  const server = createServer(consoleNodeListener(consoleApp)).listen(0, '127.0.0.1');
  return listening(server, basePath.replace(/\/+$/, ''));
}
