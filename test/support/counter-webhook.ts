// A webhook endpoint whose one handler makes a deliberately NON-idempotent write through ctx.db
// (`n = n + 1`), so that running it twice shows in the row. Used by the exactly-once tests, in
// process and in a child process that gets SIGKILLed.
import { createServer } from 'node:http';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import type { IdempotencyStore, TransactionClient } from '../../src/types.js';
import { testSecret } from './deliveries.js';
import { listening } from './listen.js';
import type { RunningServer } from './status-contract.js';

/** What the handler does after its write, per event id. */
export interface CounterPlan {
  /** Throw after the write. */
  fail?: boolean;
  /** Called once the write is made (inside the transaction, before the commit). */
  written?: () => void;
  /** Awaited after the write, before returning (holds the transaction open). */
  hold?: Promise<void>;
  /** Then, once `hold` resolved: one more query through ctx.db; its outcome is reported here. */
  lateQuery?: (outcome: unknown) => void;
}

export interface CounterWebhook extends RunningServer {
  plans: Map<string, CounterPlan>;
}

export function counterTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, n integer NOT NULL DEFAULT 0)`;
}

/** The handler: one counter row per event id, created by the test beforehand. */
export async function incrementCounter(db: TransactionClient | undefined, table: string, eventId: string): Promise<void> {
  if (!db) throw new Error('ctx.db is undefined: the store is not transactional');
  await db.query(`UPDATE ${table} SET n = n + 1 WHERE id = $1`, [eventId]);
}

export async function startCounterWebhook(options: {
  store: IdempotencyStore;
  table: string;
  leaseMs?: number;
  handlerTimeoutMs?: number;
  /** What to do for an event; default: what `plans` holds for it. */
  planFor?: (eventId: string) => CounterPlan | undefined;
}): Promise<CounterWebhook> {
  const plans = new Map<string, CounterPlan>();
  const planFor = options.planFor ?? ((eventId: string) => plans.get(eventId));
  const router = createWebhookRouter().onAny(async (event, ctx) => {
    await incrementCounter(ctx.db, options.table, event.id);
    const plan = planFor(event.id) ?? {};
    plan.written?.();
    if (plan.hold) await plan.hold;
    if (plan.lateQuery) plan.lateQuery(await ctx.db?.query('SELECT 1').then(() => 'ran', (error: unknown) => error));
    if (plan.fail) throw new Error('asked to fail after the write');
  });
  const handler = createWebhookHandler({ secret: testSecret, router, store: options.store, logger: false, leaseMs: options.leaseMs, handlerTimeoutMs: options.handlerTimeoutMs });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void handler.handle({ method: request.method ?? 'GET', headers: request.headers, body: Buffer.concat(chunks) }).then((answer) => {
        response.writeHead(answer.status, answer.headers).end(answer.body);
      });
    });
  }).listen(0, '127.0.0.1');
  return { ...(await listening(server)), plans };
}
