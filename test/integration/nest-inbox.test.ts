// The durable inbox with NestJS, on real engines: the webhook route (forRoot and forRootAsync,
// both platforms) stores each verified event and answers at once; a worker in a Nest application
// context, in another process, runs the same decorated handlers; app.close() (SIGTERM, through
// enableShutdownHooks) lets the handler it holds finish and takes nothing new.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { StripeWebhookModule } from '../../src/entries/nest.js';
import type { Inbox } from '../../src/inbox/types.js';
import { paidCheckout, signedDelivery, testSecret } from '../support/deliveries.js';
import { startNestApp, type NestPlatform, type RunningNestApp } from '../support/nest-app.js';
import { root } from '../support/run-cli.js';
import { serviceAvailable } from '../support/services.js';
import { expectAnswer, send } from '../support/status-contract.js';
import { statusOf } from '../support/inbox-contract.js';
import { EFFECTS, Fulfillment, type Effects } from './nest-inbox/fulfillment.js';
import { createBrokenInbox, createInbox, type Engine, type OpenedInbox } from './nest-inbox/inbox-engines.js';

const available: Record<Engine, boolean> = { 'pg-boss': await serviceAvailable('PostgreSQL'), bullmq: await serviceAvailable('Redis') };
const INBOX = 'INBOX';

/** The ingress app: the webhook route with the inbox, and the handlers (which must not run here). */
function ingressModule(inbox: Inbox, entry: 'forRoot' | 'forRootAsync', effects: string[]): Type {
  const holder: DynamicModule = { module: class InboxHolder {}, providers: [{ provide: INBOX, useValue: inbox }], exports: [INBOX] };
  const webhook =
    entry === 'forRoot'
      ? StripeWebhookModule.forRoot({ secret: testSecret, inbox, logger: false })
      : StripeWebhookModule.forRootAsync({ imports: [holder], inject: [INBOX], useFactory: (injected: Inbox) => ({ secret: testSecret, inbox: injected, logger: false }) });
  const sink: Effects = { record: (line) => void effects.push(line), released: () => Promise.resolve() };
  @Module({ imports: [webhook], providers: [Fulfillment, { provide: EFFECTS, useValue: sink }] })
  class IngressModule {}
  return IngressModule;
}

interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once the output has a line matching `pattern`. */
  printed(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `node --import tsx worker-context.ts`, as a user runs a worker; resolves once it takes jobs. */
function startWorkerProcess(opened: OpenedInbox, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/integration/nest-inbox/worker-context.ts')], {
    cwd: root,
    env: { ...process.env, ...opened.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // 'close', not 'exit': by then the worker's last lines have been read from its pipes.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const printed = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(output)) return false;
        child.stdout.off('data', check);
        resolve();
        return true;
      };
      if (check()) return;
      child.stdout.on('data', check);
      void exited.then(() => check() || reject(new Error(`the worker exited before printing ${pattern}:\n${output}`)));
    });
  const worker: WorkerProcess = { child, output: () => output, printed, exited };
  return printed(/^ready$/m).then(() => worker);
}

function stopWorker(worker: WorkerProcess) {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  return worker.exited;
}

describe.each(['pg-boss', 'bullmq'] as const)('the inbox with NestJS on %s', (engine) => {
  const apps: RunningNestApp[] = [];
  const workers: WorkerProcess[] = [];
  const inboxes: OpenedInbox[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map(stopWorker));
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await Promise.all(inboxes.splice(0).map((opened) => opened.close()));
  });

  async function ingress(inbox: Inbox, platform: NestPlatform = 'express', entry: 'forRoot' | 'forRootAsync' = 'forRoot') {
    const effects: string[] = [];
    const app = await startNestApp(ingressModule(inbox, entry, effects), { platform, rawBody: false });
    apps.push(app);
    return { url: `${app.origin}/v1/webhook`, effects };
  }
  async function open(broken = false) {
    const opened = broken ? await createBrokenInbox(engine) : await createInbox(engine);
    inboxes.push(opened);
    return opened;
  }
  async function worker(opened: OpenedInbox, env?: Record<string, string>) {
    const started = await startWorkerProcess(opened, env);
    workers.push(started);
    return started;
  }

  describe.skipIf(!available[engine])('on a real server', () => {
    it.each([
      ['express', 'forRoot'],
      ['fastify', 'forRootAsync'],
    ] as const)('the route on %s (%s) answers 200 queued, then 200 duplicate, and runs no handler itself', async (platform, entry) => {
      const { inbox } = await open();
      const { url, effects } = await ingress(inbox, platform, entry);
      const delivery = paidCheckout('o_queued');
      expectAnswer(await send(url, delivery), 200, { received: true, queued: true }, delivery);
      expectAnswer(await send(url, delivery), 200, { received: true, duplicate: true }, delivery);
      expect((await inbox.get(delivery.event.id))?.status).toBe('queued');
      expect(effects).toEqual([]);
    });

    it('a worker application context in another process runs the same decorated handlers', async () => {
      const opened = await open();
      const { url, effects } = await ingress(opened.inbox, 'fastify');
      const running = await worker(opened, { WORKER_CONCURRENCY: '2' });
      const paid = paidCheckout('o_worker');
      const refund = signedDelivery('charge.refunded', { data: { object: { id: 'ch_worker' } } });
      expectAnswer(await send(url, paid), 200, { received: true, queued: true }, paid);
      expectAnswer(await send(url, refund), 200, { received: true, queued: true }, refund);
      await statusOf(opened.inbox, paid.event.id, 'done');
      await statusOf(opened.inbox, refund.event.id, 'done');
      // The done mark can reach the inbox before the child's stdout reaches this process.
      await running.printed(/^refunded ch_worker$/m);
      await running.printed(new RegExp(`^paid o_worker ${paid.event.id}$`, 'm'));
      // Each decorated method ran once for its event.
      const lines = running.output().split('\n');
      expect(lines.filter((line) => line === `paid o_worker ${paid.event.id}`)).toHaveLength(1);
      expect(lines.filter((line) => line === 'refunded ch_worker')).toHaveLength(1);
      // Methods for another endpoint ({ endpoint: 'connect' }) are not this worker's.
      expect(running.output()).not.toContain('connect refunded');
      expect(effects).toEqual([]);
    });

    it('SIGTERM during a slow handler: the worker finishes it, records it done, and takes nothing new', async () => {
      const opened = await open();
      const { url } = await ingress(opened.inbox);
      const first = await worker(opened, { WORKER_CONCURRENCY: '1' });
      const held = signedDelivery('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_held', hold: 'yes' } } } });
      const next = paidCheckout('o_next');
      expectAnswer(await send(url, held), 200, { received: true, queued: true }, held);
      await first.printed(new RegExp(`^start ${held.event.id}$`, 'm'));
      expectAnswer(await send(url, next), 200, { received: true, queued: true }, next);

      first.child.kill('SIGTERM');
      expect(await first.exited).toEqual({ code: null, signal: 'SIGTERM' });
      const lines = first.output().trim().split('\n');
      // The held handler ended before Nest's last hook, and the next event never started here.
      expect(lines).toEqual(['ready', `start ${held.event.id}`, `paid o_held ${held.event.id}`, 'closed']);
      const record = await opened.inbox.get(held.event.id);
      expect(record?.status).toBe('done');
      expect(record?.attempts).toHaveLength(1);
      expect((await opened.inbox.get(next.event.id))?.status).toBe('queued');

      const second = await worker(opened);
      await statusOf(opened.inbox, next.event.id, 'done');
      await second.printed(new RegExp(`^paid o_next ${next.event.id}$`, 'm'));
      expect(second.output()).not.toContain(held.event.id);
    });
  });

  it('answers 500 inbox_unavailable when the inbox cannot store the event', async () => {
    const { inbox } = await open(true);
    const { url, effects } = await ingress(inbox);
    const delivery = paidCheckout('o_down');
    expectAnswer(await send(url, delivery), 500, { error: 'inbox_unavailable' }, delivery);
    expect(effects).toEqual([]);
  });
});

