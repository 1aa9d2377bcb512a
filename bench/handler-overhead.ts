// Row 2b: what telemetry and the default memory store add to one delivery, in microseconds of CPU,
// measured in this process through `createWebhookHandler(...).handle()`: no HTTP server and no
// load generator share the figures, so differences of a few microseconds show. CPU time rather
// than elapsed time: the same work costs the same CPU time whoever else runs on the machine. Each
// contender answers the same distinct, validly signed ~5 KB deliveries (passed as Buffers, as the
// Node adapters pass them), one after another.
import type { Histogram, Tracer } from '@opentelemetry/api';
import { SpanKind } from '@opentelemetry/api';
import { createWebhookHandler, createWebhookRouter, type WebhookHandler, type WebhookHandlerOptions, type WebhookRequest } from '../src/entries/index.js';
import { benchOpenTelemetry } from './otel-sdk.js';
import { benchSecret, deliveryTemplate, signBody, type DeliveryTemplate } from './payloads.js';
import { collectGarbage, formatNumber, formatRatio, formatSpread, formatTarget, interleave, pairedRatio, summarize, type Summary, type TableData, type Target } from './stats.js';

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
 */
export const overheadContenders = ['off', 'sdk floor', 'telemetry', 'memory store'] as const;
type Contender = (typeof overheadContenders)[number];

export interface OverheadResult {
  /** Microseconds per delivery. */
  perDelivery: Record<Contender, Summary>;
  /** Microseconds each contender adds to `off`, paired by repetition. */
  added: Record<Exclude<Contender, 'off'>, Summary>;
  /** The kit's telemetry's added time over the SDK floor's, paired by repetition. */
  telemetryToFloor: Summary;
  telemetryTarget: Target;
  storeTarget: Target;
}

/** The kit's telemetry may add at most this multiple of what the SDK floor adds. */
const maxTelemetryToFloor = 1.5;
/** The default store may add at most this many microseconds per delivery. */
const maxStoreMicroseconds = 3;

export async function runOverheadBench(config: OverheadConfig, progress: (line: string) => void): Promise<OverheadResult> {
  const handlers = await overheadHandlers();
  const template = deliveryTemplate(5 * 1024);
  let sequence = 0;
  // Without a store an id may come again, so those contenders share one batch; the memory store gets
  // new ids each time, as Stripe sends them, or it would answer `duplicate` without dispatching.
  const signBatch = (count: number) => Array.from({ length: count }, () => signedRequest(template, sequence++));
  const shared = signBatch(config.deliveries);
  const batchFor = (contender: Contender) => (contender === 'memory store' ? signBatch(config.deliveries) : shared);

  for (const contender of overheadContenders) await answerAll(handlers[contender], batchFor(contender).slice(0, config.warmup), contender);
  const perDelivery = await interleave(overheadContenders, config.repetitions, async (contender) => {
    const batch = batchFor(contender);
    collectGarbage();
    const started = process.cpuUsage();
    await answerAll(handlers[contender], batch, contender);
    const { user, system } = process.cpuUsage(started);
    return (user + system) / batch.length;
  });
  const addedTo = (contender: Contender) => perDelivery[contender].map((value, index) => value - (perDelivery.off[index] as number));
  const telemetryToFloor = pairedRatio(addedTo('telemetry'), addedTo('sdk floor'));
  const added = { 'sdk floor': summarize(addedTo('sdk floor')), telemetry: summarize(addedTo('telemetry')), 'memory store': summarize(addedTo('memory store')) };
  progress(`overhead: telemetry adds ${formatNumber(added.telemetry.median)} µs (floor ${formatNumber(added['sdk floor'].median)}), memory store ${formatNumber(added['memory store'].median)} µs`);
  return {
    perDelivery: Object.fromEntries(overheadContenders.map((contender) => [contender, summarize(perDelivery[contender])])) as Record<Contender, Summary>,
    added,
    telemetryToFloor,
    telemetryTarget: {
      description: `telemetry adds <= ${maxTelemetryToFloor.toFixed(1)}x what the SDK floor adds (${formatNumber(added.telemetry.median)} against ${formatNumber(added['sdk floor'].median)} µs: ${telemetryToFloor.median.toFixed(2)}x)`,
      met: telemetryToFloor.median <= maxTelemetryToFloor,
    },
    storeTarget: {
      description: `memoryStore() adds <= ${maxStoreMicroseconds} µs per delivery (${formatNumber(added['memory store'].median)} µs)`,
      met: added['memory store'].median <= maxStoreMicroseconds,
    },
  };
}

type Handle = (request: WebhookRequest) => Promise<{ status: number }>;

/** Each contender's `handle`, built as an app builds it. */
export async function overheadHandlers(): Promise<Record<Contender, Handle>> {
  const sdk = await benchOpenTelemetry();
  const tracer = sdk.tracerProvider.getTracer('bench-floor');
  const histogram = sdk.meterProvider.getMeter('bench-floor').createHistogram('bench.floor.duration', { unit: 's' });
  return {
    off: handlerWith({ store: false, telemetry: false }).handle,
    'sdk floor': withFloor(handlerWith({ store: false, telemetry: false }), tracer, histogram),
    telemetry: handlerWith({ store: false, telemetry: sdk }).handle,
    'memory store': handlerWith({ telemetry: false }).handle,
  };
}

function handlerWith(options: Partial<WebhookHandlerOptions>): WebhookHandler {
  const router = createWebhookRouter();
  router.on('checkout.session.completed', (event) => event.data.object.payment_status === 'paid');
  return createWebhookHandler({ secret: benchSecret, router, logger: false, ...options });
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
async function answerAll(handle: Handle, batch: readonly WebhookRequest[], contender: Contender): Promise<void> {
  for (const request of batch) {
    const response = await handle(request);
    if (response.status !== 200) throw new Error(`${contender} answered a signed delivery with ${response.status}`);
  }
}

export function overheadTable(result: OverheadResult, config: OverheadConfig): TableData {
  const labels: Record<Contender, string> = {
    off: 'store: false, telemetry: false (baseline)',
    'sdk floor': 'baseline + SDK floor: 1 empty span + 1 histogram record',
    telemetry: "store: false, the kit's telemetry on (same SDK)",
    'memory store': 'telemetry: false, memoryStore() (the default)',
  };
  const targets: Partial<Record<Contender, Target>> = { telemetry: result.telemetryTarget, 'memory store': result.storeTarget };
  return {
    title: `2b. Handler overhead in process: CPU µs per delivery, median (min-max) of ${config.repetitions} interleaved batches of ${config.deliveries.toLocaleString('en-US')}`,
    header: ['handler', 'CPU µs/delivery', 'added µs', 'target'],
    rows: overheadContenders.map((contender) => [
      labels[contender],
      formatSpread(result.perDelivery[contender]),
      contender === 'off' ? 'baseline' : formatSpread(result.added[contender]),
      formatTarget(targets[contender]),
    ]),
    notes: [
      'createWebhookHandler(...).handle() in the bench process, awaited one delivery at a time: distinct, validly signed checkout.session.completed events of 5 KiB, as Buffers, one no-op handler. CPU µs: the process CPU time (user + system) over the batch. Added µs: each batch minus the baseline batch of the same repetition.',
      `The kit's telemetry over the SDK floor, paired: ${formatRatio(result.telemetryToFloor)}. SDK: BasicTracerProvider with a BatchSpanProcessor whose exporter drops the spans, MeterProvider with a reader, no context manager; the kit gets them as telemetry.tracerProvider / meterProvider.`,
      'The floor is the least any instrumentation that traces each delivery and measures its duration can cost with that SDK: what the kit adds beyond it is its attributes, its steps\' timings and its counters.',
    ],
  };
}
