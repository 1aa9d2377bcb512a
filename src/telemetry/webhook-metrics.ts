import type * as Otel from '@opentelemetry/api';

/** The kit's instruments. Names follow OpenTelemetry's conventions: dotted, durations in seconds. */
export interface WebhookMetrics {
  /** Every delivery, by `stripe.webhook.outcome` (and `stripe.event.type` once verified). */
  deliveries: Otel.Counter;
  /** Deliveries refused by verification, by `error.type` (the code in the 400/500 answer). */
  verificationFailures: Otel.Counter;
  /** Deliveries answered `duplicate`, by `stripe.event.type`. */
  duplicates: Otel.Counter;
  /** How long the handlers ran, by `stripe.event.type`. */
  handlerDuration: Otel.Histogram;
  /** How long a delivery took from the request to the answer, by outcome. */
  receiveDuration: Otel.Histogram;
  /** Inbox: from queueing to the start of processing. */
  inboxLag: Otel.Histogram;
  /** Inbox: the attempt number of each processing run (1 for the first). */
  inboxAttempts: Otel.Histogram;
  /** Inbox: events that ran out of attempts. */
  inboxDead: Otel.Counter;
}

export function createWebhookMetrics(meter: Otel.Meter): WebhookMetrics {
  return {
    deliveries: meter.createCounter('stripe.webhook.deliveries', { description: 'Webhook deliveries, by outcome.', unit: '{delivery}' }),
    verificationFailures: meter.createCounter('stripe.webhook.verification.failures', {
      description: 'Deliveries refused by signature verification, by error code.',
      unit: '{delivery}',
    }),
    duplicates: meter.createCounter('stripe.webhook.duplicates', { description: 'Deliveries of events already processed.', unit: '{delivery}' }),
    handlerDuration: meter.createHistogram('stripe.webhook.handler.duration', { description: 'How long the event handlers ran.', unit: 's' }),
    receiveDuration: meter.createHistogram('stripe.webhook.receive.duration', { description: 'From the request to the answer.', unit: 's' }),
    inboxLag: meter.createHistogram('stripe.webhook.inbox.lag', { description: 'From queueing an event to processing it.', unit: 's' }),
    inboxAttempts: meter.createHistogram('stripe.webhook.inbox.attempts', { description: 'The attempt number of each processing run.', unit: '{attempt}' }),
    inboxDead: meter.createCounter('stripe.webhook.inbox.dead', { description: 'Events that ran out of attempts.', unit: '{event}' }),
  };
}
