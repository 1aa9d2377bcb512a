import type * as Otel from '@opentelemetry/api';

/** The kit's instruments. Names follow OpenTelemetry's conventions: dotted, durations in seconds. */
export interface WebhookMetrics {
  /**
   * Every delivery, by `stripe.webhook.outcome` (and `stripe.event.type` once verified), and by
   * `stripe.api_version` for an event whose API version differs from the handler's `apiVersion`.
   */
  deliveries: Tally;
  /** Deliveries refused by verification, by `error.type` (the code in the 400/500 answer). */
  verificationFailures: Tally;
  /** Deliveries answered `duplicate`, by `stripe.event.type`. */
  duplicates: Tally;
  /** How long the handlers ran, by `stripe.event.type`. */
  handlerDuration: Otel.Histogram;
  /** Inbox: from queueing to the start of processing. */
  inboxLag: Otel.Histogram;
  /** Inbox: the attempt number of each processing run (1 for the first). */
  inboxAttempts: Otel.Histogram;
  /** Inbox: events that ran out of attempts. */
  inboxDead: Otel.Counter;
}

/**
 * A monotonic count per attribute set, kept here and reported by an observable counter when the
 * SDK collects. A synchronous counter sorts and serialises its attributes on every `add` (a few
 * microseconds, on every delivery); counting here costs two map lookups, and the SDK reads each
 * series once per export instead.
 */
export interface Tally {
  /** Counts one for the series of these keys (each an attribute's value); `attributes` makes its attributes the first time. */
  add(attributes: () => Otel.Attributes, first?: string, second?: string): void;
}

// One set of instruments per meter: every handler of an app adds to the same series, as it would
// with synchronous counters, instead of each reporting its own (which the SDK would not sum).
const byMeter = new WeakMap<Otel.Meter, WebhookMetrics>();

export function webhookMetrics(meter: Otel.Meter): WebhookMetrics {
  let metrics = byMeter.get(meter);
  if (metrics === undefined) {
    metrics = createWebhookMetrics(meter);
    byMeter.set(meter, metrics);
  }
  return metrics;
}

function createWebhookMetrics(meter: Otel.Meter): WebhookMetrics {
  return {
    deliveries: observedTally(meter, 'stripe.webhook.deliveries', { description: 'Webhook deliveries, by outcome.', unit: '{delivery}' }),
    verificationFailures: observedTally(meter, 'stripe.webhook.verification.failures', {
      description: 'Deliveries refused by signature verification, by error code.',
      unit: '{delivery}',
    }),
    duplicates: observedTally(meter, 'stripe.webhook.duplicates', { description: 'Deliveries of events already processed.', unit: '{delivery}' }),
    handlerDuration: meter.createHistogram('stripe.webhook.handler.duration', { description: 'How long the event handlers ran.', unit: 's' }),
    inboxLag: meter.createHistogram('stripe.webhook.inbox.lag', { description: 'From queueing an event to processing it.', unit: 's' }),
    inboxAttempts: meter.createHistogram('stripe.webhook.inbox.attempts', { description: 'The attempt number of each processing run.', unit: '{attempt}' }),
    inboxDead: meter.createCounter('stripe.webhook.inbox.dead', { description: 'Events that ran out of attempts.', unit: '{event}' }),
  };
}

function observedTally(meter: Otel.Meter, name: string, options: Otel.MetricOptions): Tally {
  type Series = Map<string | undefined, { attributes: Otel.Attributes; count: number }>;
  const series = new Map<string | undefined, Series>();
  meter.createObservableCounter(name, options).addCallback((result) => {
    for (const inner of series.values()) for (const { attributes, count } of inner.values()) result.observe(count, attributes);
  });
  return {
    add(attributes, first, second) {
      let inner = series.get(first);
      if (inner === undefined) series.set(first, (inner = new Map() as Series));
      const found = inner.get(second);
      if (found === undefined) inner.set(second, { attributes: attributes(), count: 1 });
      else found.count++;
    },
  };
}
