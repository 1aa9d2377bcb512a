import type { VerifiedDelivery } from '../verify/verify-delivery.js';
import { toDelivery } from '../verify/verify-delivery.js';
import { parseJsonObject } from '../verify/parse-event.js';

/** Which trusted channel an envelope came through. */
export type TrustedChannel = 'eventbridge' | 'event-grid' | 'direct';

/**
 * Takes the Stripe payload out of a trusted channel's envelope:
 * - Amazon EventBridge: `{ "detail-type", source: "aws.partner/stripe.com/...", detail: <payload> }`
 * - Azure Event Grid, CloudEvents 1.0 schema: `{ specversion, type, source, data: <payload> }`
 * - Azure Event Grid, Event Grid schema: `{ eventType, subject, dataVersion, data: <payload> }`
 * - a Stripe payload given directly (from a queue that stored it as is).
 * The payload inside is a snapshot event or a thin notification, checked like a signed body.
 */
export function unwrapEnvelope(envelope: unknown): { channel: TrustedChannel; delivery: VerifiedDelivery } {
  const outer = typeof envelope === 'string' || envelope instanceof Uint8Array ? parseJsonObject(typeof envelope === 'string' ? envelope : new TextDecoder().decode(envelope)) : envelope;
  if (typeof outer !== 'object' || outer === null || Array.isArray(outer)) {
    throw new TypeError('handleTrustedDelivery: the envelope must be one EventBridge or Event Grid event (an object or its JSON); for a batch, call it once per event.');
  }
  const fields = outer as Record<string, unknown>;
  if (fields.eventType === subscriptionValidation || fields.type === subscriptionValidation) throw new SubscriptionValidationError();
  if ('detail' in fields) return { channel: 'eventbridge', delivery: inner(fields.detail) };
  if ('data' in fields && ('specversion' in fields || 'eventType' in fields)) return { channel: 'event-grid', delivery: inner(fields.data) };
  if (fields.object === 'event' || fields.object === 'v2.core.event') return { channel: 'direct', delivery: toDelivery(fields) };
  throw new TypeError(
    'handleTrustedDelivery: unrecognized envelope. Expected an Amazon EventBridge event (with `detail`), an Azure Event Grid event ' +
      '(CloudEvents `specversion` or Event Grid `eventType`, with `data`), or a Stripe event itself.',
  );
}

const subscriptionValidation = 'Microsoft.EventGrid.SubscriptionValidationEvent';

/**
 * Event Grid's handshake, not a Stripe event: it reaches handleTrustedDelivery when the function
 * is wired as a webhook endpoint instead of an Event Grid trigger. Switch on `code`.
 */
export class SubscriptionValidationError extends TypeError {
  override readonly name = 'SubscriptionValidationError';
  readonly code = 'event_grid_subscription_validation';

  constructor() {
    super(
      'handleTrustedDelivery: this is an Azure Event Grid subscription-validation event (Microsoft.EventGrid.SubscriptionValidationEvent), ' +
        'not a Stripe event. Answer it in the subscription endpoint itself, by returning { validationResponse: data.validationCode }, ' +
        'or use an Event Grid triggered Function, which answers it for you; then pass only the events that follow to handleTrustedDelivery.',
    );
  }
}

// Event Grid may carry `data` as a JSON string when the publisher sent text.
function inner(payload: unknown): VerifiedDelivery {
  if (typeof payload === 'string') return toDelivery(parseJsonObject(payload));
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TypeError('handleTrustedDelivery: the envelope carries no Stripe event (its `detail` or `data` is not an object).');
  }
  return toDelivery(payload as Record<string, unknown>);
}
