// Row 2b: what telemetry and the default memory store add to one delivery, in microseconds of CPU,
// measured in process through `createWebhookHandler(...).handle()`: no HTTP server and no load
// generator share the figures, so differences of a few microseconds show. CPU time rather than
// elapsed time: the same work costs the same CPU time whoever else runs on the machine. Each
// contender answers distinct, validly signed ~5 KB deliveries (passed as Buffers, as the Node
// adapters pass them), one after another, in a process of its own (overhead-contender.ts): its
// heap then holds only its own garbage and state, and every collection it needs falls on its own
// time, with no collection forced between batches.
import { fork, type ChildProcess } from 'node:child_process';
import type { Histogram, Tracer } from '@opentelemetry/api';
import { SpanKind } from '@opentelemetry/api';
import { createWebhookHandler, createWebhookRouter, type WebhookHandler, type WebhookHandlerOptions, type WebhookRequest } from 'stripe-webhook-kit';
import { forgetOldest } from '../src/stores/forget-oldest.js';
import { builtPackageEnv } from './http-load.js';
import { benchOpenTelemetry } from './otel-sdk.js';
import { benchSecret, signBody, type DeliveryTemplate } from './payloads.js';
import { formatNumber, formatRatio, formatSpread, formatTarget, interleave, pairedRatio, quantile, summarize, type Summary, type TableData, type Target } from './stats.js';

export interface OverheadConfig {
  repetitions: number;
  /** Deliveries per contender and repetition. */
  deliveries: number;
  /** Deliveries per contender before the first measurement, so each is JIT-compiled. */
  warmup: number;
}

/**
 * - `off`: `store: false`, `telemetry: false`: the baseline both targets are measured from.
 * - `sdk floor`: `off`, with the least an instrumentation can do around each delivery with the
 *   same SDK: one span with no attributes around `handle()`, and one histogram record (of the
 *   delivery's duration, by event type).
 * - `telemetry`: `store: false` and the kit's telemetry on, with the same SDK.
 * - `memory store`: `telemetry: false` and the default store, `memoryStore()`.
 * - `map by hand`: `off`, whose handler keeps the ids itself in the leanest memory with the memory
 *   store's guarantees (leanMemory below): what remembering 100,000 ids costs with none of the kit's
 *   code around it.
 */
export const overheadContenders = ['off', 'sdk floor', 'telemetry', 'memory store', 'map by hand'] as const;
export type Contender = (typeof overheadContenders)[number];

export interface OverheadResult {
  /** Microseconds per delivery. */
  perDelivery: Record<Contender, Summary>;
  /** Microseconds each contender adds to `off`, paired by repetition. */
  added: Record<Exclude<Contender, 'off'>, Summary>;
  /** The medians of `added`, each with its 95% confidence interval. */
  addedMedian: Record<Exclude<Contender, 'off'>, MedianInterval>;
  /** The kit's telemetry's added time over the SDK floor's: the ratio of their medians (the paired ratios as spread). */
  telemetryToFloor: Summary;
  /** Per repetition, what telemetry added minus 1.5x what the floor added: the target holds while its median is at most 0. */
  telemetryExcess: MedianInterval;
  /** Per repetition, what the memory store added minus what the map by hand added. */
  storeOverByHand: MedianInterval;
  telemetryTarget: Target;
  storeTarget: Target;
}

/** A median with its 95% confidence interval, from the order statistics (no assumption about the distribution). */
export interface MedianInterval {
  median: number;
  low: number;
  high: number;
  n: number;
}

/** The kit's telemetry may add at most this multiple of what the SDK floor adds. */
const maxTelemetryToFloor = 1.5;
/** The default store may add at most this many microseconds per delivery. */
const maxStoreMicroseconds = 3;

export async function runOverheadBench(config: OverheadConfig, progress: (line: string) => void): Promise<OverheadResult> {
  const processes = await Promise.all(overheadContenders.map((contender) => startContender(contender)));
  const byName = Object.fromEntries(overheadContenders.map((contender, index) => [contender, processes[index]])) as Record<Contender, ContenderProcess>;
  let perDelivery: Record<Contender, number[]>;
  try {
    for (const contender of overheadContenders) await byName[contender].ask({ warmup: config.warmup });
    perDelivery = await interleave(overheadContenders, config.repetitions, (contender) => byName[contender].ask({ measure: config.deliveries }));
  } finally {
    for (const one of processes) one.child.kill();
  }
  const addedTo = (contender: Contender) => perDelivery[contender].map((value, index) => value - (perDelivery.off[index] as number));
  const [floor, telemetry, store, byHand] = [addedTo('sdk floor'), addedTo('telemetry'), addedTo('memory store'), addedTo('map by hand')];
  const added = { 'sdk floor': summarize(floor), telemetry: summarize(telemetry), 'memory store': summarize(store), 'map by hand': summarize(byHand) };
  const addedMedian = { 'sdk floor': medianInterval(floor), telemetry: medianInterval(telemetry), 'memory store': medianInterval(store), 'map by hand': medianInterval(byHand) };
  // What the memory store adds beyond the map by hand, paired by repetition: the kit's own part.
  const storeOverByHand = medianInterval(store.map((value, index) => value - (byHand[index] as number)));
  // A ratio of two small differences swings wildly from one repetition to the next; the paired
  // difference against the target's bound does not, so it decides the target.
  const telemetryExcess = medianInterval(telemetry.map((value, index) => value - maxTelemetryToFloor * (floor[index] as number)));
  const telemetryToFloor = { ...pairedRatio(telemetry, floor), median: added.telemetry.median / added['sdk floor'].median };
  progress(`overhead: telemetry adds ${formatNumber(added.telemetry.median)} µs (floor ${formatNumber(added['sdk floor'].median)}), memory store ${formatNumber(added['memory store'].median)} µs`);
  return {
    perDelivery: Object.fromEntries(overheadContenders.map((contender) => [contender, summarize(perDelivery[contender])])) as Record<Contender, Summary>,
    added,
    addedMedian,
    telemetryToFloor,
    telemetryExcess,
    storeOverByHand,
    telemetryTarget: {
      description:
        `telemetry adds <= ${maxTelemetryToFloor.toFixed(1)}x what the SDK floor adds (${formatNumber(added.telemetry.median)} against ${formatNumber(added['sdk floor'].median)} µs: ${telemetryToFloor.median.toFixed(2)}x; ` +
        `telemetry's added minus ${maxTelemetryToFloor.toFixed(1)}x the floor's ${decision(telemetryExcess, 0)})`,
      met: telemetryExcess.median <= 0,
    },
    storeTarget: {
      description: `memoryStore() adds <= ${maxStoreMicroseconds} µs per delivery (${decision(addedMedian['memory store'], maxStoreMicroseconds)}; the map by hand adds ${formatNumber(addedMedian['map by hand'].median)} µs)`,
      met: addedMedian['memory store'].median <= maxStoreMicroseconds,
    },
  };
}

/**
 * The median and the interval that holds the true median with 95% confidence: the order statistics
 * n/2 -+ 0.98 sqrt(n) (the binomial's normal approximation), which needs no assumption about how the
 * batches spread (a garbage collection or a busy neighbour makes a few of them far slower).
 */
export function medianInterval(values: readonly number[]): MedianInterval {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const half = 0.98 * Math.sqrt(n);
  const at = (index: number) => sorted[Math.min(n - 1, Math.max(0, index))] as number;
  return { median: quantile(sorted, 0.5), low: at(Math.floor(n / 2 - half)), high: at(Math.ceil(n / 2 + half) - 1), n };
}

function formatInterval({ median, low, high }: MedianInterval): string {
  return `${formatNumber(median)} (${formatNumber(low)} to ${formatNumber(high)})`;
}

/** "median X µs, 95% interval low to high: decided" when the interval lies on one side of `bound`. */
function decision({ median, low, high, n }: MedianInterval, bound: number): string {
  // Below 9 values the order statistics hold the median with less than 95% confidence.
  const decided = n < 9 ? 'too few batches to decide' : high <= bound || low > bound ? 'decided' : `not decided at 95%: the interval holds ${bound}`;
  return `median ${formatNumber(median)} µs, 95% interval ${formatNumber(low)} to ${formatNumber(high)}: ${decided}`;
}

type Handle = (request: WebhookRequest) => Promise<{ status: number }>;

/** A contender's `handle`, built as an app builds it. */
export async function overheadHandler(contender: Contender): Promise<Handle> {
  const handlerWith = (options: Partial<WebhookHandlerOptions>, memory?: LeanMemory): WebhookHandler => {
    const router = createWebhookRouter();
    router.on('checkout.session.completed', (event, ctx) => {
      if (memory && !memory.claim(ctx.eventId)) return;
      const paid = event.data.object.payment_status === 'paid';
      memory?.done(ctx.eventId);
      return paid;
    });
    return createWebhookHandler({ secret: benchSecret, router, logger: false, ...options });
  };
  if (contender === 'off') return handlerWith({ store: false, telemetry: false }).handle;
  if (contender === 'memory store') return handlerWith({ telemetry: false }).handle;
  if (contender === 'map by hand') return handlerWith({ store: false, telemetry: false }, leanMemory()).handle;
  const sdk = await benchOpenTelemetry();
  if (contender === 'telemetry') return handlerWith({ store: false, telemetry: sdk }).handle;
  const tracer = sdk.tracerProvider.getTracer('bench-floor');
  const histogram = sdk.meterProvider.getMeter('bench-floor').createHistogram('bench.floor.duration', { unit: 's' });
  return withFloor(handlerWith({ store: false, telemetry: false }), tracer, histogram);
}

interface LeanMemory {
  /** False when the id is done or leased (a duplicate); else leases it. */
  claim(eventId: string): boolean;
  done(eventId: string): void;
}

/**
 * The leanest memory of event ids with the memory store's guarantees, written by hand: a Map in
 * age order; a lease (its end, a number) while the handler runs, then the end of the id's
 * retention; at most 100,000 ids, the oldest 1/64 forgotten at once past it (the memory store's
 * own forgetOldest: deleting one per write would walk the Map's holes); an id whose time is past
 * is claimed again. No token, no sweep of expired ids, no promises.
 */
function leanMemory(maxEntries = 100_000, leaseMs = 30_000, retentionMs = 7 * 24 * 3_600_000): LeanMemory {
  const ends = new Map<string, number>();
  return {
    claim(eventId) {
      const now = Date.now();
      const end = ends.get(eventId);
      if (end !== undefined && end > now) return false;
      ends.delete(eventId);
      ends.set(eventId, now + leaseMs);
      forgetOldest(ends, maxEntries);
      return true;
    },
    done(eventId) {
      ends.set(eventId, Date.now() + retentionMs);
    },
  };
}

/** The SDK's floor around a handler: one span with no attributes, one histogram record. */
function withFloor(handler: WebhookHandler, tracer: Tracer, histogram: Histogram) {
  const attributes = { 'stripe.event.type': 'checkout.session.completed' };
  return async (request: WebhookRequest) => {
    const started = performance.now();
    const span = tracer.startSpan('stripe.webhook receive', { kind: SpanKind.SERVER });
    const response = await handler.handle(request);
    histogram.record((performance.now() - started) / 1000, attributes);
    span.end();
    return response;
  };
}

export function signedRequest(template: DeliveryTemplate, sequence: number): WebhookRequest {
  const { body, signature } = signBody(template.body(sequence));
  return { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: Buffer.from(body) };
}

/** Answers the deliveries one after another; a contender that does not answer 200 `received` is not measured. */
export async function answerAll(handle: Handle, batch: readonly WebhookRequest[], contender: Contender): Promise<void> {
  for (const request of batch) {
    const response = await handle(request);
    if (response.status !== 200) throw new Error(`${contender} answered a signed delivery with ${response.status}`);
  }
}

/** A contender's own process: `ask` sends it one command and resolves its answer. */
interface ContenderProcess {
  child: ChildProcess;
  ask(command: ContenderCommand): Promise<number>;
}

/**
 * `warmup`: answer that many deliveries, unmeasured, so its code is compiled and its memory (a
 * store's ids) is in use; `measure`: sign that many new deliveries, then answer them and report
 * the CPU µs per delivery of answering alone.
 */
export type ContenderCommand = { warmup: number } | { measure: number };

function startContender(contender: Contender): Promise<ContenderProcess> {
  const child = fork(new URL('./overhead-contender.ts', import.meta.url), [contender], { execArgv: ['--import', 'tsx'], env: builtPackageEnv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let waiting: { resolve: (value: number) => void; reject: (error: Error) => void } | undefined;
  const failed = (error: Error) => {
    waiting?.reject(error);
    waiting = undefined;
  };
  child.on('message', (message: { answer?: number; error?: string }) => {
    if (message.error !== undefined) failed(new Error(`${contender}: ${message.error}`));
    else waiting?.resolve(message.answer as number);
    waiting = undefined;
  });
  child.on('exit', (code) => failed(new Error(`${contender} exited (${code})`)));
  const ask = (command: ContenderCommand | 'ready') =>
    new Promise<number>((resolve, reject) => {
      waiting = { resolve, reject };
      if (command !== 'ready') child.send(command);
    });
  // It sends 0 once its handler is built.
  return ask('ready').then(() => ({ child, ask }));
}

export function overheadTable(result: OverheadResult, config: OverheadConfig): TableData {
  const labels: Record<Contender, string> = {
    off: 'store: false, telemetry: false (baseline)',
    'sdk floor': 'baseline + SDK floor: 1 empty span + 1 histogram record',
    telemetry: "store: false, the kit's telemetry on (same SDK)",
    'memory store': 'telemetry: false, memoryStore() (the default)',
    'map by hand': 'baseline, the handler keeping 100,000 ids in a Map by hand',
  };
  const targets: Partial<Record<Contender, Target>> = { telemetry: result.telemetryTarget, 'memory store': result.storeTarget };
  return {
    title: `2b. Handler overhead in process: CPU µs per delivery, median (min-max) of ${config.repetitions} interleaved batches of ${config.deliveries.toLocaleString('en-US')}`,
    header: ['handler', 'CPU µs/delivery', 'added µs (95% interval of the median)', 'target'],
    rows: overheadContenders.map((contender) => [
      labels[contender],
      formatSpread(result.perDelivery[contender]),
      contender === 'off' ? 'baseline' : formatInterval(result.addedMedian[contender]),
      formatTarget(targets[contender]),
    ]),
    notes: [
      'createWebhookHandler(...).handle(), each contender in a process of its own, awaited one delivery at a time: distinct, validly signed checkout.session.completed events of 5 KiB, as Buffers, one no-op handler. CPU µs: the CPU time of the contender\'s process (user + system) over the batch, signed beforehand. Added µs: each batch minus the baseline batch of the same repetition; the median of those differences, with the interval that holds the true median with 95% confidence. The built package (dist/), as an app runs it.',
      `The kit's telemetry over the SDK floor: ${result.telemetryToFloor.median.toFixed(2)}x (ratio of the medians; the paired ratios spread ${formatRatio(result.telemetryToFloor).replace(/^\S+ /, '')}). The target is decided on each repetition's telemetry added minus 1.5x the floor's added: ${formatInterval(result.telemetryExcess)} µs.`,
      `SDK: BasicTracerProvider with a BatchSpanProcessor whose exporter drops the spans, MeterProvider with a reader, no context manager; the kit gets them as telemetry.tracerProvider / meterProvider.`,
      `The map by hand is the leanest memory with the memory store's guarantees (a lease while the handler runs, then the retention; 100,000 ids, the oldest forgotten first), kept by the handler itself with no promise, token or sweep: what remembering the ids costs before any of the kit's code. The memory store over the map by hand, paired: ${formatInterval(result.storeOverByHand)} µs.`,
      'The floor is the least any instrumentation that traces each delivery and measures its duration can cost with that SDK: what the kit adds beyond it is its attributes, its steps\' timings and its counters.',
    ],
  };
}
