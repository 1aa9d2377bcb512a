// Loaded only through a dynamic import, once `@opentelemetry/api` itself has loaded: an app
// without OpenTelemetry never runs (or, with the ESM build, never even reads) this file.
import type * as Otel from '@opentelemetry/api';
import type { DeliveryStep, DeliveryTrace, VerifiedEventSummary } from './delivery-trace.js';
import type { InboxJob, InboxJobReport, InboxTelemetry } from './inbox-telemetry.js';
import { webhookMetrics } from './webhook-metrics.js';
import { instrumentationName, type WebhookTelemetryOptions } from './telemetry-options.js';
import { formatTraceParent, parseTraceParent } from './trace-context.js';

/** One delivery's trace, plus what only the handler's wrapper calls: the end of the span. */
export interface ObservedDelivery extends DeliveryTrace {
  end(status: number, thrown?: unknown): void;
}

export interface OtelTelemetry {
  /**
   * False while neither traces nor metrics go anywhere: the global providers with no SDK behind
   * them, as when a dependency installed the API and the app set up no SDK. A delivery then skips
   * the no-op spans (a few µs each). Asked per delivery: an SDK may be registered later.
   */
  live(): boolean;
  delivery(method: string): ObservedDelivery;
  inbox: InboxTelemetry;
}

type Api = typeof Otel;
type Attributes = Otel.Attributes;

// OpenTelemetry's messaging conventions: https://opentelemetry.io/docs/specs/semconv/messaging/
const messaging = { 'messaging.system': 'stripe' } as const;

export function createOtelTelemetry(api: Api, options: WebhookTelemetryOptions = {}): OtelTelemetry {
  const tracerProvider = (options.tracerProvider as Otel.TracerProvider | undefined) ?? api.trace.getTracerProvider();
  const tracer = tracerProvider.getTracer(instrumentationName);
  const meter = ((options.meterProvider as Otel.MeterProvider | undefined) ?? api.metrics.getMeterProvider()).getMeter(instrumentationName);
  const metrics = webhookMetrics(meter);
  // The global tracer provider is a proxy that an SDK fills in when registered, also after this
  // handler was built; a meter taken before any SDK stays a no-op.
  const noSdk = new api.ProxyTracerProvider().getDelegate();
  const globalTracer = tracerProvider instanceof api.ProxyTracerProvider ? tracerProvider : undefined;
  const metricsLive = meter !== api.createNoopMeter();
  const live = () => metricsLive || globalTracer === undefined || globalTracer.getDelegate() !== noSdk;

  /**
   * Whether a context manager is registered (the API's default one keeps no context): asked per
   * delivery, as an SDK may register one after the handler was built. One `with` of a context
   * made once, rather than a context made for every delivery.
   */
  const probe = api.ROOT_CONTEXT.setValue(api.createContextKey('stripe-webhook-kit.probe'), true);
  const isProbe = () => api.context.active() === probe;
  // Once one is there it stays (only `context.disable()` at shutdown removes it): asked until then.
  let propagating = false;
  const propagates = () => propagating || (propagating = api.context.with(probe, isProbe));

  const receive: ReceiveTools = { api, tracer, metrics, propagates };
  /**
   * One span per delivery. Its steps are attributes of it (`stripe.webhook.<step>.duration_ms`),
   * not child spans: a span costs the app several microseconds, a step's attribute a fraction of
   * one, and the handlers' own spans nest under this one as they would under a `dispatch` span.
   */
  const delivery = (method: string): ObservedDelivery => new ReceiveSpan(receive, method);

  const inbox: InboxTelemetry = {
    async process<T>(job: InboxJob, run: (report: InboxJobReport) => T | Promise<T>): Promise<T> {
      const link = parseTraceParent(job.traceContext);
      const attributes: Attributes = {
        ...messaging,
        'messaging.operation.name': 'process',
        'messaging.operation.type': 'process',
        ...eventAttributesOf(job.event),
        'stripe.webhook.attempt': job.attempt,
      };
      const span = tracer.startSpan(
        `stripe.webhook process ${job.event.type}`,
        { kind: api.SpanKind.CONSUMER, attributes, links: link ? [{ context: { ...link, isRemote: true } }] : [] },
        api.context.active(),
      );
      const labels = { 'stripe.event.type': job.event.type };
      if (job.queuedAt !== undefined) metrics.inboxLag.record(Math.max(0, Date.now() - job.queuedAt) / 1000, labels);
      metrics.inboxAttempts.record(job.attempt, labels);
      let reported: string | undefined;
      const report: InboxJobReport = {
        outcome(value) {
          reported = value;
          span.setAttribute('stripe.webhook.outcome', value);
        },
      };
      try {
        const result = await api.context.with(api.trace.setSpan(api.context.active(), span), () => run(report));
        if (typeof result === 'string') span.setAttribute('stripe.webhook.outcome', result);
        return result;
      } catch (error) {
        failSpan(api, span, error, reported ?? 'error');
        throw error;
      } finally {
        span.end();
      }
    },
    dead(event) {
      metrics.inboxDead.add(1, { 'stripe.event.type': event.type });
      api.trace.getActiveSpan()?.addEvent('stripe.webhook.dead', { 'messaging.message.id': event.id });
    },
  };

  return { live, delivery, inbox };
}

/** What every delivery's span shares: made once per handler. */
interface ReceiveTools {
  api: Api;
  tracer: Otel.Tracer;
  metrics: ReturnType<typeof webhookMetrics>;
  propagates: () => boolean;
}

/**
 * One delivery's `stripe.webhook receive` span. A class rather than closures: a delivery then
 * makes one object instead of a dozen functions, which is most of what telemetry itself leaves
 * for the garbage collector on every delivery (see bench/).
 */
class ReceiveSpan implements ObservedDelivery {
  private readonly span: Otel.Span;
  private readonly parent: Otel.Context;
  /** Not sampled, or no SDK behind the API: nothing is exported, so nothing is worth measuring for the span (the metrics are still recorded). */
  private readonly recording: boolean;
  /**
   * What the delivery learns goes to the span in one `setAttributes` at its end: each call into
   * the span checks and copies on its own, and a span is exported only once it has ended.
   */
  private readonly attributes: Attributes = {};
  private type: string | undefined = undefined;
  private drifted: string | undefined = undefined;
  private final: string | undefined = undefined;
  private rejectedCode: string | undefined = undefined;
  private ended = false;
  private dispatchStarted = 0;

  constructor(
    private readonly tools: ReceiveTools,
    method: string,
  ) {
    const { api } = tools;
    this.parent = api.context.active();
    this.span = tools.tracer.startSpan('stripe.webhook receive', { kind: api.SpanKind.SERVER, attributes: receiveAttributes(method) }, this.parent);
    this.recording = this.span.isRecording();
  }

  verified(event: VerifiedEventSummary, driftedApiVersion?: string): void {
    this.type = event.type;
    this.drifted = driftedApiVersion;
    if (this.recording) addEventAttributes(this.attributes, event);
  }

  rejected(code: string): void {
    this.rejectedCode = code;
    this.final = code;
    if (isVerificationCode(code)) this.tools.metrics.verificationFailures.add(() => ({ 'error.type': code }), code);
  }

  step<T>(name: Exclude<DeliveryStep, 'dispatch'>, run: () => T | Promise<T>): T | Promise<T> {
    // Untimed when nothing records it (the handlers are timed for their histogram, a metric).
    return this.recording ? this.timed(name, run) : run();
  }

  dispatch<T>(start: () => T): T {
    this.dispatchStarted = performance.now();
    // The handlers run with this span active, so that theirs nest under it; also when it is not
    // recording, so that a sampling decision carries over to them. Without a context manager
    // nothing can carry the span to them, and making its context is skipped.
    if (!this.tools.propagates()) return start();
    const { api } = this.tools;
    return api.context.with(api.trace.setSpan(this.parent, this.span), start);
  }

  dispatched(failure?: { error: unknown }): void {
    this.stepEnded('dispatch', this.dispatchStarted, failure === undefined ? undefined : (failure.error ?? null));
  }

  outcome(value: string): void {
    this.final = value;
  }

  traceContext(): string | undefined {
    const context = this.span.spanContext();
    return this.tools.api.isSpanContextValid(context) ? formatTraceParent(context) : undefined;
  }

  end(status: number, thrown?: unknown): void {
    const { span, type, drifted } = this;
    const final = this.final ?? (thrown === undefined ? 'unknown' : 'error');
    if (this.recording) {
      const { attributes } = this;
      attributes['stripe.webhook.outcome'] = final;
      attributes['http.response.status_code'] = status;
      if (this.rejectedCode !== undefined) attributes['error.type'] = this.rejectedCode;
      span.setAttributes(attributes);
      if (status >= 500) failSpan(this.tools.api, span, thrown, this.rejectedCode ?? final);
    }
    span.end();
    this.ended = true;
    const { metrics } = this.tools;
    metrics.deliveries.add(() => ({ 'stripe.webhook.outcome': final, ...typeOnly(type), ...driftOnly(drifted) }), final, seriesKey(type, drifted));
    if (final === 'duplicate') metrics.duplicates.add(() => typeOnly(type), type);
  }

  /**
   * Times a step without an async function: a step that answers at once (the synchronous
   * verifier) is timed and answered at once, and one that returns a promise gains one callback.
   */
  private timed<T>(name: DeliveryStep, run: () => T | Promise<T>): T | Promise<T> {
    const started = performance.now();
    let result: T | Promise<T>;
    try {
      result = run();
    } catch (error) {
      this.stepEnded(name, started, error ?? null);
      throw error;
    }
    if (!isThenable(result)) {
      this.stepEnded(name, started, undefined, result);
      return result;
    }
    return Promise.resolve(result).then(
      (value) => {
        this.stepEnded(name, started, undefined, value);
        return value;
      },
      (error: unknown) => {
        this.stepEnded(name, started, error ?? null);
        throw error;
      },
    );
  }

  /** A step may end after the answer (handlers that outlive handlerTimeoutMs): an ended span takes nothing more. */
  private stepEnded(name: DeliveryStep, started: number, error: unknown, result?: unknown): void {
    const elapsed = performance.now() - started;
    if (name === 'dispatch') this.tools.metrics.handlerDuration.record(elapsed / 1000, typeOnly(this.type));
    if (!this.recording || this.ended) return;
    this.attributes[durationKeys[name]] = elapsed;
    if (name === 'claim' && error === undefined) this.attributes['stripe.webhook.claim'] = claimOf(result);
    // A refused verification is the delivery's `error.type`; anything else is an exception of
    // the step, recorded with its stack as it is logged: each handler's, when several ran.
    if (error !== undefined && name !== 'verify') for (const one of errorsOf(error)) this.span.recordException(one);
  }
}

/** The attributes that say which event a span is about. */
function eventAttributesOf(event: VerifiedEventSummary): Attributes {
  return addEventAttributes({}, event);
}
function addEventAttributes(attributes: Attributes, event: VerifiedEventSummary): Attributes {
  attributes['messaging.message.id'] = event.id;
  attributes['stripe.event.type'] = event.type;
  attributes['stripe.livemode'] = event.livemode;
  const account = event.account ?? event.context;
  if (typeof account === 'string' && account !== '') attributes['stripe.account'] = account;
  return attributes;
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

const untyped: Attributes = Object.freeze({});
// One attributes object per event type, made once: a metric's attributes are only read.
const byType = new Map<string, Attributes>();
function typeOnly(type: string | undefined): Attributes {
  if (type === undefined) return untyped;
  let attributes = byType.get(type);
  if (attributes === undefined) byType.set(type, (attributes = Object.freeze({ 'stripe.event.type': type })));
  return attributes;
}

/** The span attribute that times each step. */
const durationKeys: Record<DeliveryStep, string> = {
  verify: 'stripe.webhook.verify.duration_ms',
  claim: 'stripe.webhook.claim.duration_ms',
  dispatch: 'stripe.webhook.dispatch.duration_ms',
  complete: 'stripe.webhook.complete.duration_ms',
  release: 'stripe.webhook.release.duration_ms',
};

/**
 * `stripe.api_version` only on a drifted event, so that the series stay bounded: one more per
 * version Stripe actually sends that differs, never one per event.
 */
function driftOnly(version: string | undefined): Attributes {
  return version === undefined ? untyped : { 'stripe.api_version': version };
}
/** A drifted event counts in its own series: its type and version (a type has no space) make the key. */
function seriesKey(type: string | undefined, drifted: string | undefined): string | undefined {
  return drifted === undefined ? type : `${type} ${drifted}`;
}

/** The attributes a receive span starts with: known before the body is read. */
const postAttributes: Attributes = receiveAttributesFor('POST');
function receiveAttributes(method: string): Attributes {
  return method === 'POST' ? postAttributes : receiveAttributesFor(method);
}
function receiveAttributesFor(method: string): Attributes {
  return { ...messaging, 'messaging.operation.name': 'receive', 'messaging.operation.type': 'receive', 'http.request.method': method };
}

/** A claim answers with an outcome when it ends the delivery (duplicate, in_progress, ...). */
function claimOf(result: unknown): string {
  const ended = typeof result === 'object' && result !== null ? (result as { outcome?: unknown }).outcome : undefined;
  return typeof ended === 'string' ? ended : 'claimed';
}

// Codes a request is refused with before verification runs are not verification failures.
const notVerification = new Set(['method_not_allowed', 'payload_too_large', 'body_not_raw']);
function isVerificationCode(code: string): boolean {
  return !notVerification.has(code);
}

function errorsOf(error: unknown): Error[] {
  if (error instanceof AggregateError) return error.errors.filter((one): one is Error => one instanceof Error);
  return error instanceof Error ? [error] : [];
}

/** Marks a span failed. The exception (with its stack) goes to the trace, as it goes to the log. */
function failSpan(api: Api, span: Otel.Span, error: unknown, type: string | undefined): void {
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: type });
  if (type !== undefined) span.setAttribute('error.type', type);
  if (error instanceof Error) span.recordException(error);
}
