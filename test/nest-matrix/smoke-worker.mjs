// The Nest matrix's case for StripeInboxWorkerModule (run by smoke-lib.mjs in each major, from ESM
// and CommonJS): a worker in a Nest application context (no HTTP server), on a BullMQ inbox on
// the real Redis at 127.0.0.1:6379, under a key prefix and queue of its own. An event stored by
// the kit's ingress is run once by the app's decorated method and ends `done`; `app.close()`
// stops the worker. Redis down is a failure, never a skip. Nest 11 has the same case in vitest
// (test/integration/nest-inbox.test.ts).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { checks, decorate } from './smoke-checks.mjs';

const secret = 'whsec_nest_matrix_worker_0123456789';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** How long a state may take to arrive before the case fails: a bound on a hang, not a speed check. */
const patienceMs = 20_000;

/**
 * @param {object} nest as smoke-lib.mjs's runSmoke receives it, plus the major's `bullmq`,
 *   ioredis's `Redis` and `kitBullmq` (stripe-webhook-kit/bullmq)
 */
export async function runWorkerCase(nest) {
  const { core, kit, kitBullmq, kitTesting, bullmq, Redis } = nest;
  const { result, check } = checks();
  // BullMQ's workers need maxRetriesPerRequest null; the retry limit makes a Redis that is down
  // fail the case instead of queueing its commands forever.
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null, retryStrategy: (times) => (times > 10 ? null : 200) });
  connection.on('error', () => undefined);
  const prefix = `swk-nest-matrix-${nest.major}-${randomUUID()}`;
  const queue = `orders-${randomUUID()}`;
  const inbox = kitBullmq.bullmqInbox({ connection, prefix, queue });
  // The engine's own view of who consumes the queue: BullMQ lists its workers' connections.
  const engineQueue = new bullmq.Queue(queue, { connection, prefix });
  const { Ledger, WorkerModule } = workerClasses(nest, inbox);
  let app;
  try {
    const ingress = kit.createWebhookHandler({ secret, router: kit.createWebhookRouter(), inbox, logger: false });
    const event = kitTesting.createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_worker' } } } });
    const answer = await ingress.handle(kitTesting.createSignedRequest(event, secret));
    check('the ingress stores the event: 200 queued', { status: answer.status, body: answer.body }, { status: 200, body: '{"received":true,"queued":true}' });
    check('queued while no worker runs', (await inbox.get(event.id))?.status, 'queued');

    app = await core.NestFactory.createApplicationContext(WorkerModule, { logger: false, abortOnError: false });
    check('createApplicationContext resolves with the worker taking jobs', (await engineQueue.getWorkers()).length, 1);
    const record = await until(() => inbox.get(event.id), (found) => found?.status !== 'queued' && found?.status !== 'processing');
    check('the event ends done, after one attempt', { status: record?.status, attempts: record?.attempts.length }, { status: 'done', attempts: 1 });
    check('the decorated method ran once, with its injected provider and the context', app.get(Ledger).paid, [`o_worker ${event.id}`]);

    await app.close();
    app = undefined;
    check('app.close() stopped the worker', (await until(() => engineQueue.getWorkers(), (workers) => workers.length === 0)).length, 0);
    return result;
  } finally {
    // Not allowed to hide the case's own failure (with Redis down, both fail).
    await cleanUp().catch(() => undefined);
    connection.disconnect();
  }

  async function cleanUp() {
    await app?.close();
    await engineQueue.close();
    await inbox.close();
    await deleteKeys(connection, prefix);
  }
}

/** The worker app a user would write, with decorators called as functions. */
function workerClasses({ common, kit, kitNest }, inbox) {
  const { Inject, Injectable, Module } = common;
  const { OnStripeEvent, StripeInboxWorkerModule } = kitNest;

  class Ledger {
    paid = [];
  }
  Injectable()(Ledger);

  class Orders {
    constructor(ledger) {
      this.ledger = ledger;
    }
    completed(event, ctx) {
      this.ledger.paid.push(`${kit.orderReference(event.data.object)} ${ctx.eventId}`);
    }
  }
  Injectable()(Orders);
  Inject(Ledger)(Orders, undefined, 0);
  decorate(OnStripeEvent('checkout.session.completed'), Orders, 'completed');

  class WorkerModule {}
  Module({ imports: [StripeInboxWorkerModule.forRoot({ inbox, concurrency: 2, logger: false })], providers: [Ledger, Orders] })(WorkerModule);
  return { Ledger, WorkerModule };
}

/** Reads until `done(value)`, or gives up after `patienceMs` with the last value read. */
async function until(read, done) {
  const deadline = Date.now() + patienceMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await sleep(50);
    value = await read();
  }
  return value;
}

/** Leaves nothing of this run in Redis. */
async function deleteKeys(connection, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await connection.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await connection.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
