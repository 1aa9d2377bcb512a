// Row 5: what the durable inbox costs, per engine (pg-boss on PostgreSQL, BullMQ on Redis).
// - ingress: deliveries/s through `createWebhookHandler({ inbox }).handle()` (verification, the
//   event's log entry and its job, durable before the answer) against the floor of
//   inbox-engines.ts: the same durable writes with a bare client, at the same concurrency; and
//   against a hand-written ingress: stripe-node's constructEvent, then the floor's writes;
// - worker: a backlog drained by `startInboxWorker` with a no-op handler against the engine's own
//   worker draining as many bare jobs with the same settings, timed from first to last completion,
//   and against the leanest worker with the kit's guarantees written by hand (the kept worker);
// - ingress latency over HTTP while every worker slot is held by a handler that sleeps 30 s.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { createWebhookHandler, createWebhookRouter, startInboxWorker } from 'stripe-webhook-kit';
import { inboxEngine } from '../src/inbox/engine.js';
import { createTestEvent, signPayload } from 'stripe-webhook-kit/testing';
import { floorEvent, inboxEngines, openEngine, type FloorEvent, type InboxEngine, type InboxEngineBench } from './inbox-engines.js';
import { collectGarbage, formatNumber, formatRatio, formatSpread, formatTarget, interleave, pairedRatio, summarize, type Summary, type TableData, type Target } from './stats.js';

export interface InboxConfig {
  repetitions: number;
  /** About how long one ingress measurement lasts (its delivery count is set from the warm-up rate). */
  durationSeconds: number;
  /** Deliveries in flight at once, for the inbox and its floor alike. */
  concurrency: number;
  /** The kit's worker concurrency, and the bare worker's. */
  workerConcurrency: number;
  /** Jobs in the backlog each worker drains per measurement. */
  backlog: number;
  /** Deliveries timed over HTTP with 30 s handlers. */
  latencyDeliveries: number;
  /** Deliveries (and jobs) each contender runs untimed first: JIT, connections, the log's creation. */
  warmup: number;
}

export interface InboxEngineResult {
  engine: InboxEngine;
  detail: string;
  skipped?: boolean;
  ingress?: {
    inbox: Summary;
    floor: Summary;
    ratio: Summary;
    /** stripe-node's constructEvent, then the floor's writes: what a team would write by hand. */
    handwritten: Summary;
    /** The hand-written ingress over the floor: what verifying costs by itself. */
    handwrittenToFloor: Summary;
    ratioToHandwritten: Summary;
    roundTrips: { inbox: number; floor: number };
    failures: number;
    floorDetail: string;
  };
  worker?: {
    inbox: Summary;
    bare: Summary;
    ratio: Summary;
    bareDetail: string;
    /** The leanest worker with the same guarantees, by hand: the bookkeeping's own cost. */
    kept: Summary;
    keptToBare: Summary;
    ratioToKept: Summary;
    keptDetail: string;
  };
  latency?: { p50: number; p99: number; max: number; deliveries: number };
  targets: Array<{ label: string; target: Target }>;
}

const targetRatio = 0.8;
// pg-boss's worker makes the bare worker's two statements per job (the claim rides in the fetch,
// the settle in the completion): what remains is the kit's own work per attempt.
const pgBossWorkerTarget = 0.9;
// A BullMQ job costs its bare worker one round trip; the at-most-once bookkeeping adds a claim and a
// settle, so the kit's worker is held to the bare worker at a lower ratio and, beside it, to a
// lean worker that makes the same two round trips by hand.
const bullmqWorkerTargets = { bare: 0.6, byHand: 1 };
const secret = 'whsec_inbox_bench_5d1e2f3a4b5c6d7e8f9a';
const runTag = Math.random().toString(36).slice(2, 8);
// A stalled drain is reported, never waited out: no completion for this long fails the run.
const stallMs = 30_000;
const stripe = new Stripe('sk_test_inbox_bench');

interface Delivery {
  headers: Record<string, string>;
  body: string;
  event: Stripe.Event;
}

let sequence = 0;
/** Distinct events about distinct sessions (as a shop receives them), signed before any clock starts. */
function makeDeliveries(count: number): Delivery[] {
  return Array.from({ length: count }, () => {
    const n = sequence++;
    const event = createTestEvent('checkout.session.completed', { id: `evt_ib${runTag}${n}`, data: { object: { id: `cs_ib${runTag}${n}`, metadata: { orderId: `order_${n}` } } } }) as Stripe.Event;
    // Pretty-printed, as Stripe sends it.
    const body = JSON.stringify(event, null, 2);
    return { event, body, headers: { 'content-type': 'application/json', 'stripe-signature': signPayload(body, secret) } };
  });
}

/** Runs `send` over every item, `concurrency` at a time; per second, and each call's latency. */
async function drive<T>(items: readonly T[], concurrency: number, send: (item: T) => Promise<boolean>) {
  let next = 0;
  let failures = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        const begin = performance.now();
        if (!(await send(item))) failures++;
        latencies.push(performance.now() - begin);
      }
    }),
  );
  return { perSecond: items.length / ((performance.now() - started) / 1000), failures, latencies };
}

/** Resolves with events/s between the first and the last of `count` completions, or rejects on a stall. */
function completions(count: number, describe: () => Promise<string>) {
  let first = 0;
  let last = 0;
  let done = 0;
  let resolve!: (rate: number) => void;
  let reject!: (error: Error) => void;
  const finished = new Promise<number>((ok, fail) => ((resolve = ok), (reject = fail)));
  const watchdog = setInterval(() => {
    if (performance.now() - (last || started) < stallMs) return;
    clearInterval(watchdog);
    void describe().then((state) => reject(new Error(`the drain stalled at ${done} of ${count} completions: ${state}`)));
  }, 1000);
  const started = performance.now();
  return {
    finished,
    complete() {
      last = performance.now();
      if (done++ === 0) first = last;
      if (done === count) {
        clearInterval(watchdog);
        resolve((count - 1) / ((last - first) / 1000));
      }
    },
  };
}

async function measureEngine(engine: InboxEngineBench, config: InboxConfig, progress: (line: string) => void): Promise<InboxEngineResult> {
  const result: InboxEngineResult = { engine: engine.engine, detail: engine.detail, targets: [] };
  const handler = createWebhookHandler({ secret, router: createWebhookRouter(), inbox: engine.inbox('ingress'), logger: false });
  const viaInbox = async (delivery: Delivery) => {
    const answer = await handler.handle({ method: 'POST', headers: delivery.headers, body: Buffer.from(delivery.body) });
    return answer.status === 200 && answer.body === '{"received":true,"queued":true}';
  };
  const viaFloor = (delivery: Delivery & { floor: FloorEvent }) => engine.floor(delivery.floor);
  const withFloor = (deliveries: Delivery[]) => deliveries.map((delivery) => ({ ...delivery, floor: floorEvent(delivery.event, delivery.body) }));
  // The bytes as an HTTP framework hands them over, as handle() gets them above.
  const viaHandwritten = (delivery: Delivery) => {
    const raw = Buffer.from(delivery.body);
    const event = stripe.webhooks.constructEvent(raw, delivery.headers['stripe-signature'] as string, secret);
    return engine.floor(floorEvent(event, raw.toString('utf8')));
  };

  // Warm-up (JIT, connections, the log's creation); its rate sizes the measurements.
  await drive(makeDeliveries(config.warmup), config.concurrency, viaInbox);
  await drive(withFloor(makeDeliveries(config.warmup)), config.concurrency, viaFloor);
  await drive(makeDeliveries(config.warmup), config.concurrency, viaHandwritten);
  const rate = (await drive(makeDeliveries(2 * config.warmup), config.concurrency, viaInbox)).perSecond;
  const perRun = Math.max(200, Math.round(rate * config.durationSeconds));
  const tally = { inbox: { roundTrips: 0, deliveries: 0 }, floor: { roundTrips: 0, deliveries: 0 }, failures: 0 };
  const ingress = await interleave(['inbox', 'floor', 'handwritten'] as const, config.repetitions, async (contender) => {
    const deliveries = withFloor(makeDeliveries(perRun));
    collectGarbage();
    const before = engine.roundTrips();
    const send = { inbox: viaInbox, floor: viaFloor, handwritten: viaHandwritten }[contender];
    const run = await drive(deliveries, config.concurrency, send);
    if (contender !== 'handwritten') {
      tally[contender].roundTrips += engine.roundTrips() - before;
      tally[contender].deliveries += perRun;
    }
    tally.failures += run.failures;
    return run.perSecond;
  });
  result.ingress = {
    inbox: summarize(ingress.inbox),
    floor: summarize(ingress.floor),
    ratio: pairedRatio(ingress.inbox, ingress.floor),
    handwritten: summarize(ingress.handwritten),
    handwrittenToFloor: pairedRatio(ingress.handwritten, ingress.floor),
    ratioToHandwritten: pairedRatio(ingress.inbox, ingress.handwritten),
    roundTrips: { inbox: tally.inbox.roundTrips / tally.inbox.deliveries, floor: tally.floor.roundTrips / tally.floor.deliveries },
    failures: tally.failures,
    floorDetail: engine.floorDetail,
  };
  result.targets.push({ label: `${engine.engine} ingress`, target: ratioTarget(result.ingress.ratio, 'the floor', tally.failures) });
  progress(`inbox: ${engine.engine} ingress ${Math.round(result.ingress.inbox.median)}/s, floor ${Math.round(result.ingress.floor.median)}/s`);

  // The worker: a backlog each, drained with the same engine settings.
  const workerInbox = inboxEngine(engine.inbox('worker'), 'bench');
  let onSettled = () => undefined as void;
  const settle = workerInbox.settle.bind(workerInbox);
  // Completion is the kit's settle (the event marked done), as the bare worker's is its function's end.
  workerInbox.settle = async (...args) => {
    const settled = await settle(...args);
    onSettled();
    return settled;
  };
  const noop = createWebhookRouter().onAny(() => undefined);
  const drainInbox = async (count: number) => {
    await drive(makeDeliveries(count), config.concurrency, async (delivery) => (await workerInbox.enqueue(delivery.event)) === 'queued');
    collectGarbage();
    const done = completions(count, async () => JSON.stringify(await workerInbox.stats()));
    onSettled = done.complete;
    const worker = startInboxWorker({ inbox: workerInbox, router: noop, concurrency: config.workerConcurrency, logger: false });
    try {
      return await done.finished;
    } finally {
      await worker.stop();
    }
  };
  // A backlog of the engine's own jobs, drained by its worker (bare, or with the bookkeeping by hand).
  const drainJobs = (kind: 'bare' | 'kept') => async (count: number) => {
    if (kind === 'bare') await engine.fillBare(count);
    else await engine.fillKept(makeDeliveries(count).map((delivery) => floorEvent(delivery.event, JSON.stringify(delivery.event))));
    collectGarbage();
    const done = completions(count, async () => `${kind} jobs`);
    const stop = await (kind === 'bare' ? engine.workBare : engine.workKept)(config.workerConcurrency, done.complete);
    try {
      return await done.finished;
    } finally {
      await stop();
    }
  };
  const drains = { inbox: drainInbox, bare: drainJobs('bare'), kept: drainJobs('kept') };
  for (const drain of Object.values(drains)) await drain(Math.min(config.warmup, config.backlog));
  const worker = await interleave(['inbox', 'bare', 'kept'] as const, config.repetitions, (contender) => drains[contender](config.backlog));
  result.worker = {
    inbox: summarize(worker.inbox),
    bare: summarize(worker.bare),
    ratio: pairedRatio(worker.inbox, worker.bare),
    bareDetail: engine.bareDetail,
    kept: summarize(worker.kept),
    keptToBare: pairedRatio(worker.kept, worker.bare),
    ratioToKept: pairedRatio(worker.inbox, worker.kept),
    keptDetail: engine.keptDetail,
  };
  const bullmq = engine.engine === 'bullmq';
  result.targets.push({ label: `${engine.engine} worker`, target: ratioTarget(result.worker.ratio, 'the bare worker', 0, bullmq ? bullmqWorkerTargets.bare : pgBossWorkerTarget) });
  if (bullmq) result.targets.push({ label: 'bullmq worker vs by hand', target: ratioTarget(result.worker.ratioToKept, 'the worker by hand', 0, bullmqWorkerTargets.byHand) });
  progress(`inbox: ${engine.engine} worker ${Math.round(result.worker.inbox.median)}/s, bare ${Math.round(result.worker.bare.median)}/s`);

  result.latency = await measureLatency(engine, config);
  progress(`inbox: ${engine.engine} ingress with 30 s handlers p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
  return result;
}

/** Ingress latency over HTTP while every worker slot sleeps in a 30 s handler. */
async function measureLatency(engine: InboxEngineBench, config: InboxConfig): Promise<NonNullable<InboxEngineResult['latency']>> {
  const slow = engine.inbox('slow', { leaseMs: 120_000 });
  const sleepers = new Set<() => void>();
  const sleeping = createWebhookRouter().onAny(
    () =>
      new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, 30_000);
        sleepers.add(wake);
      }),
  );
  const worker = startInboxWorker({ inbox: slow, router: sleeping, concurrency: config.workerConcurrency, logger: false });
  await worker.ready;
  const handler = createWebhookHandler({ secret, router: createWebhookRouter(), inbox: slow, logger: false });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => void handler.handle({ method: 'POST', headers: request.headers, body: Buffer.concat(chunks) }).then((answer) => response.writeHead(answer.status, answer.headers).end(answer.body)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const post = async (delivery: Delivery) => {
    const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
    return response.status === 200 && (await response.text()) === '{"received":true,"queued":true}';
  };
  try {
    await drive(makeDeliveries(Math.min(50, config.warmup)), config.concurrency, post);
    const run = await drive(makeDeliveries(config.latencyDeliveries), config.concurrency, post);
    if (run.failures > 0) throw new Error(`${run.failures} deliveries with 30 s handlers were not answered 200 queued`);
    if (sleepers.size === 0) throw new Error('no handler was sleeping: the latency was not measured with busy workers');
    const sorted = run.latencies.sort((a, b) => a - b);
    const at = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 10) / 10;
    return { p50: at(0.5), p99: at(0.99), max: at(1), deliveries: sorted.length };
  } finally {
    server.close();
    server.closeAllConnections();
    // The handlers slept through the whole measurement; woken now so that the graceful stop ends.
    const stopping = worker.stop();
    const waking = setInterval(() => sleepers.forEach((wake) => wake()), 20);
    await stopping.finally(() => clearInterval(waking));
  }
}

function ratioTarget(ratio: Summary, against: string, failures: number, wanted = targetRatio): Target {
  return { description: `>= ${wanted}x ${against} (${ratio.median.toFixed(2)}x)${failures > 0 ? `, ${failures} failed` : ''}`, met: ratio.median >= wanted && failures === 0 };
}

export async function runInboxBench(config: InboxConfig, progress: (line: string) => void): Promise<InboxEngineResult[]> {
  const results: InboxEngineResult[] = [];
  for (const name of inboxEngines) {
    let engine: InboxEngineBench;
    try {
      engine = await openEngine(name);
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0] ?? 'failed to open';
      progress(`inbox: ${name} skipped (${reason})`);
      results.push({ engine: name, detail: reason, skipped: true, targets: [{ label: name, target: { description: `skipped: ${reason}`, met: false } }] });
      continue;
    }
    try {
      results.push(await measureEngine(engine, config, progress));
    } finally {
      await engine.close();
    }
  }
  return results;
}

export function inboxTable(results: readonly InboxEngineResult[], config: InboxConfig): TableData {
  const rows: string[][] = [];
  for (const result of results) {
    if (result.skipped) {
      rows.push([result.engine, `skipped: ${result.detail}`, '', '', '', '', '']);
      continue;
    }
    const [ingressTarget, workerTarget] = result.targets;
    const { ingress, worker, latency } = result;
    if (ingress) {
      rows.push([result.engine, 'ingress: handle() with the inbox', formatSpread(ingress.inbox), formatRatio(ingress.ratio), ingress.roundTrips.inbox.toFixed(2), '', formatTarget(ingressTarget?.target)]);
      rows.push([result.engine, 'ingress floor: bare client', formatSpread(ingress.floor), 'floor', ingress.roundTrips.floor.toFixed(2), '', '']);
      rows.push([result.engine, 'ingress, hand-written: constructEvent + the floor\'s writes', formatSpread(ingress.handwritten), formatRatio(ingress.handwrittenToFloor), '', '', '']);
    }
    if (worker) {
      rows.push([result.engine, 'worker: startInboxWorker()', formatSpread(worker.inbox), formatRatio(worker.ratio), '', '', formatTarget(workerTarget?.target)]);
      rows.push([result.engine, 'bare engine worker', formatSpread(worker.bare), 'bare', '', '', '']);
      rows.push([result.engine, 'worker by hand, same guarantees', formatSpread(worker.kept), formatRatio(worker.keptToBare), '', '', '']);
    }
    if (latency) rows.push([result.engine, 'ingress latency, 30 s handlers', '', '', '', `${formatNumber(latency.p50)} / ${formatNumber(latency.p99)}`, '']);
  }
  return {
    title: `5. Durable inbox: per second, median (min-max) of ${config.repetitions} interleaved runs; ingress at concurrency ${config.concurrency}, workers at concurrency ${config.workerConcurrency}`,
    header: ['engine', 'measure', 'per second', 'ratio', 'round trips', 'p50 / p99 ms', 'target'],
    rows,
    notes: [
      ...results
        .filter((result) => !result.skipped)
        .flatMap((result) => [
          `${result.engine}: ${result.detail}. Floor: ${result.ingress?.floorDetail ?? '-'}. Bare worker: ${result.worker?.bareDetail ?? '-'}. By hand: ${result.worker?.keptDetail ?? '-'}.`,
        ]),
      'Ingress: distinct signed ~5 KB checkout.session.completed events about distinct sessions; the inbox verifies each, the floor gets the fields and body ready-made and only writes. Round trips: statements (pg) or commands (Redis) per delivery.',
      'The hand-written ingress verifies and parses each body with stripe-node (constructEvent), then makes the floor\'s writes: the floor plus what no webhook ingress can skip.',
      ...results.flatMap((result) => (result.ingress ? [`${result.engine}: ingress with the inbox vs the hand-written ingress: ${formatRatio(result.ingress.ratioToHandwritten)} (paired)`] : [])),
      'The worker by hand is the leanest worker with the kit\'s guarantees written by hand for each engine ("By hand" above): every attempt recorded in the event log, a lease token, the settle counting only while the token holds, the job completed only after the settle.',
      ...results.flatMap((result) => (result.worker ? [`${result.engine}: worker vs the worker by hand: ${formatRatio(result.worker.ratioToKept)} (paired)`] : [])),
      `Worker: a backlog of ${config.backlog} jobs per run, drained with a no-op handler; events/s from the first completion to the last (the kit's: the event marked done; the bare worker's: its function's end).`,
      `Latency: ${config.latencyDeliveries} deliveries to the same handler behind node:http, posted with fetch at the ingress concurrency while handlers that sleep 30 s hold every worker slot: the answer never waits for a handler.`,
      ...results.flatMap((result) =>
        [
          ['ingress', result.ingress?.inbox],
          ['worker', result.worker?.inbox],
        ]
          .filter(([, summary]) => summary !== undefined && (summary as Summary).min < (summary as Summary).max / 3)
          .map(([measure]) => `${result.engine} ${String(measure)}: throughput collapsed in some runs (min < max/3): the machine was busy; rerun before quoting.`),
      ),
    ],
  };
}
