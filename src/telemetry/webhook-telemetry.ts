import { untracedDelivery, type DeliveryTrace } from './delivery-trace.js';
import { untracedInbox, type InboxTelemetry } from './inbox-telemetry.js';
import { findOtelApi } from './find-otel-api.js';
import type { OtelTelemetry } from './otel-telemetry.js';
import type { WebhookTelemetrySetting } from './telemetry-options.js';

/** A handler's telemetry: OpenTelemetry when it is installed (and not turned off), else nothing. */
export interface WebhookTelemetry {
  /** Answers one delivery inside its `stripe.webhook receive` span (or untraced). */
  observe<R extends { status: number }>(method: string, answer: (trace: DeliveryTrace) => Promise<R>): Promise<R>;
  /** For the inbox worker: the consumer span, lag, attempts and dead events. */
  readonly inbox: InboxTelemetry;
  /** Settles once it is known whether OpenTelemetry is there (it never rejects). */
  readonly ready: Promise<void>;
}

const off: WebhookTelemetry = { observe: (_method, answer) => answer(untracedDelivery), inbox: untracedInbox, ready: Promise.resolve() };

/**
 * Starts loading OpenTelemetry when the handler is built, not when the kit is imported, so an
 * app without it loads nothing more; deliveries that arrive before it has loaded wait for it.
 */
export function webhookTelemetry(setting: WebhookTelemetrySetting | undefined): WebhookTelemetry {
  if (setting === false) return off;
  let otel: OtelTelemetry | undefined;
  let settled = false;
  const ready = Promise.resolve()
    .then(async () => {
      const api = findOtelApi(setting);
      if (api === undefined) return;
      const { createOtelTelemetry } = await import('./otel-telemetry.js');
      otel = createOtelTelemetry(api as Parameters<typeof createOtelTelemetry>[0], typeof setting === 'object' ? setting : {});
    })
    .catch(() => undefined)
    .finally(() => {
      settled = true;
    });

  async function observe<R extends { status: number }>(method: string, answer: (trace: DeliveryTrace) => Promise<R>): Promise<R> {
    if (!settled) await ready;
    if (otel === undefined || !otel.live()) return answer(untracedDelivery);
    const trace = otel.delivery(method);
    let response: R;
    try {
      response = await answer(trace);
    } catch (error) {
      trace.end(500, error);
      throw error;
    }
    trace.end(response.status);
    return response;
  }

  const inboxTelemetry = () => (otel?.live() ? otel.inbox : untracedInbox);
  const inbox: InboxTelemetry = {
    // Not async: once loaded, a job goes straight to the telemetry that observes it (one promise
    // less per job, on the worker's hot path).
    process(job, run) {
      return settled ? inboxTelemetry().process(job, run) : ready.then(() => inboxTelemetry().process(job, run));
    },
    dead(event) {
      inboxTelemetry().dead(event);
    },
  };
  return { observe, inbox, ready };
}
