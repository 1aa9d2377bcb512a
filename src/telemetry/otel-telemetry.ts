// Loaded only through a dynamic import, once `@opentelemetry/api` itself has loaded: an app
// without OpenTelemetry never runs (or, with the ESM build, never even reads) this file.
import type * as Otel from '@opentelemetry/api';
import type { DeliveryStep, DeliveryTrace, VerifiedEventSummary } from './delivery-trace.js';
import type { InboxJob, InboxJobReport, InboxTelemetry } from './inbox-telemetry.js';
import { createWebhookMetrics } from './webhook-metrics.js';
import { instrumentationName, type WebhookTelemetryOptions } from './telemetry-options.js';
import { formatTraceParent, parseTraceParent } from './trace-context.js';

/** One delivery's trace, plus what only the handler's wrapper calls: the end of the span. */
export interface ObservedDelivery extends DeliveryTrace {
  end(status: number, thrown?: unknown): void;
}

export interface OtelTelemetry {
  delivery(method: string): ObservedDelivery;
  inbox: InboxTelemetry;
}

type Api = typeof Otel;
type Attributes = Otel.Attributes;

// OpenTelemetry's messaging conventions: https://opentelemetry.io/docs/specs/semconv/messaging/
const messaging = { 'messaging.system': 'stripe' } as const;

export function createOtelTelemetry(api: Api, options: WebhookTelemetryOptions = {}): OtelTelemetry {
  const tracer = ((options.tracerProvider as Otel.TracerProvider | undefined) ?? api.trace.getTracerProvider()).getTracer(instrumentationName);
  const metrics = createWebhookMetrics(((options.meterProvider as Otel.MeterProvider | undefined) ?? api.metrics.getMeterProvider()).getMeter(instrumentationName));

  function delivery(method: string): ObservedDelivery {
    const parent = api.context.active();
    const started = performance.now();
    const span = tracer.startSpan(
      'stripe.webhook receive',
      {
        kind: api.SpanKind.SERVER,
        attributes: { ...messaging, 'messaging.operation.name': 'receive', 'messaging.operation.type': 'receive', 'http.request.method': method },
      },
      parent,
    );
    const within = api.trace.setSpan(parent, span);
    let eventAttributes: Attributes = {};
    let outcome: string | undefined;
    let rejectedCode: string | undefined;

    return {
      verified(event) {
        eventAttributes = eventAttributesOf(event);
        span.setAttributes(eventAttributes);
      },
      rejected(code) {
        rejectedCode = code;
        outcome = code;
      },
      async step<T>(name: DeliveryStep, run: () => T | Promise<T>): Promise<T> {
        const child = tracer.startSpan(`stripe.webhook ${name}`, { kind: api.SpanKind.INTERNAL, attributes: { ...messaging } }, within);
        const stepStarted = performance.now();
        try {
          const result = await api.context.with(api.trace.setSpan(within, child), run);
          stepResult(child, name, result);
          return result;
        } catch (error) {
          failSpan(api, child, error, name === 'verify' ? codeOf(error) : undefined);
          throw error;
        } finally {
          child.end();
          if (name === 'dispatch') metrics.handlerDuration.record((performance.now() - stepStarted) / 1000, typeOnly(eventAttributes));
        }
      },
      outcome(value) {
        outcome = value;
      },
      traceContext() {
        const context = span.spanContext();
        return api.isSpanContextValid(context) ? formatTraceParent(context) : undefined;
      },
      end(status, thrown) {
        const final = outcome ?? (thrown === undefined ? 'unknown' : 'error');
        span.setAttributes({ 'stripe.webhook.outcome': final, 'http.response.status_code': status });
        if (rejectedCode !== undefined) span.setAttribute('error.type', rejectedCode);
        if (status >= 500) failSpan(api, span, thrown, rejectedCode ?? final);
        span.end();
        const labels = { 'stripe.webhook.outcome': final, ...typeOnly(eventAttributes) };
        metrics.deliveries.add(1, labels);
        if (final === 'duplicate') metrics.duplicates.add(1, typeOnly(eventAttributes));
        metrics.receiveDuration.record((performance.now() - started) / 1000, labels);
      },
    };

    function stepResult(child: Otel.Span, name: DeliveryStep, result: unknown): void {
      // A claim answers with an outcome when it ends the delivery (duplicate, in_progress, ...).
      if (name === 'claim' && typeof result === 'object' && result !== null) {
        const ended = (result as { outcome?: unknown }).outcome;
        child.setAttribute('stripe.webhook.claim', typeof ended === 'string' ? ended : 'claimed');
      }
    }
  }

  function countRejection(code: string): void {
    metrics.verificationFailures.add(1, { 'error.type': code });
  }

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

  return {
    delivery: (method) => {
      const observed = delivery(method);
      // Verification failures are counted by code, once per delivery.
      const rejected = observed.rejected.bind(observed);
      observed.rejected = (code) => {
        rejected(code);
        if (isVerificationCode(code)) countRejection(code);
      };
      return observed;
    },
    inbox,
  };
}

/** The attributes that say which event a span is about. */
function eventAttributesOf(event: VerifiedEventSummary): Attributes {
  const attributes: Attributes = { 'messaging.message.id': event.id, 'stripe.event.type': event.type, 'stripe.livemode': event.livemode };
  const account = event.account ?? event.context;
  if (typeof account === 'string' && account !== '') attributes['stripe.account'] = account;
  return attributes;
}

function typeOnly(attributes: Attributes): Attributes {
  const type = attributes['stripe.event.type'];
  return type === undefined ? {} : { 'stripe.event.type': type };
}

// Codes a request is refused with before verification runs are not verification failures.
const notVerification = new Set(['method_not_allowed', 'payload_too_large', 'body_not_raw']);
function isVerificationCode(code: string): boolean {
  return !notVerification.has(code);
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Marks a span failed. The exception (with its stack) goes to the trace, as it goes to the log. */
function failSpan(api: Api, span: Otel.Span, error: unknown, type: string | undefined): void {
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: type });
  if (type !== undefined) span.setAttribute('error.type', type);
  if (error instanceof Error) span.recordException(error);
}
