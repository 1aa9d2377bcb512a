// Realistic signed deliveries for the bench: a completed, paid Checkout Session event built by
// `createTestEvent` from Stripe's own example objects, serialized the way Stripe sends it
// (pretty-printed), optionally padded to an exact size.
import { randomBytes } from 'node:crypto';
import { createTestEvent, signPayload } from 'stripe-webhook-kit/testing';

export const benchSecret = 'whsec_bench_3b9f1c2a7d6e4f5a8b0c1d2e3f4a5b6c';

type Json = Record<string, unknown>;

// Fields a shop's fulfillment reads: what a trimmed-down 1 KiB session keeps (the full example
// session alone is over 3 KiB, so the smallest size cannot be reached by padding).
const essentialSessionFields = [
  'id', 'object', 'amount_subtotal', 'amount_total', 'client_reference_id', 'created', 'currency', 'customer',
  'livemode', 'metadata', 'mode', 'payment_intent', 'payment_status', 'status',
];

/** A completed, paid Checkout Session event, as an object. `trimmed` keeps only the essential fields. */
export function checkoutSessionEvent(eventId: string, trimmed = false): Json {
  const event = createTestEvent('checkout.session.completed', { id: eventId, data: { object: { url: null, metadata: { orderId: 'order_000123' } } } }) as unknown as Json;
  if (!trimmed) return event;
  const session = (event.data as Json).object as Json;
  return { ...event, data: { object: Object.fromEntries(essentialSessionFields.map((key) => [key, session[key]])) } };
}

const serialize = (event: Json) => JSON.stringify(event, null, 2);
const padText = 'Gift message from the customer, kept with the order until it ships. ';
const padValue = (length: number) => padText.repeat(Math.ceil(length / padText.length)).slice(0, length);
const padKey = (index: number) => `note_${String(index).padStart(4, '0')}`;

/**
 * The event serialized to exactly `targetBytes` (ASCII, so bytes = characters), padded with
 * metadata notes of 500 characters (Stripe's limit for one metadata value). It stays a valid
 * event: only `data.object.metadata` grows. Without a target the event keeps its natural size.
 */
export function serializeEvent(event: Json, targetBytes?: number): string {
  const natural = serialize(event);
  if (targetBytes === undefined) return natural;
  if (natural.length > targetBytes) throw new Error(`the event is ${natural.length} bytes, more than the ${targetBytes} requested`);
  const session = (event.data as Json).object as Json;
  const metadata: Record<string, string> = { ...(session.metadata as Record<string, string>) };
  const withMetadata = () => serialize({ ...event, data: { object: { ...session, metadata } } });
  // Every full note costs the same number of bytes (fixed-width keys, same indentation).
  metadata[padKey(0)] = padValue(500);
  const perNote = withMetadata().length - natural.length;
  delete metadata[padKey(0)];
  const fullNotes = Math.max(0, Math.floor((targetBytes - natural.length) / perNote) - 1);
  for (let index = 0; index < fullNotes; index++) metadata[padKey(index)] = padValue(500);
  metadata[padKey(fullNotes)] = '';
  const remaining = targetBytes - withMetadata().length;
  if (remaining < 0) throw new Error(`cannot pad the event to exactly ${targetBytes} bytes`);
  metadata[padKey(fullNotes)] = padValue(remaining);
  const body = withMetadata();
  if (body.length !== targetBytes) throw new Error(`padding produced ${body.length} bytes instead of ${targetBytes}`);
  return body;
}

export interface SignedBody {
  body: string;
  signature: string;
}

export function signBody(body: string, secret = benchSecret): SignedBody {
  return { body, signature: signPayload(body, secret) };
}

/**
 * A body template for many distinct deliveries of one size: `head + eventId + tail`, with event
 * ids of fixed length, so each delivery has a new id (deduplication lets it through) and the same
 * size. Ids carry a per-run tag so that durable stores never see an id from an earlier run.
 */
export interface DeliveryTemplate {
  head: string;
  tail: string;
  size: number;
  eventId(sequence: number): string;
  body(sequence: number): string;
}

export function deliveryTemplate(targetBytes?: number, trimmed = false): DeliveryTemplate {
  const runTag = randomBytes(4).toString('hex');
  const eventId = (sequence: number) => `evt_bench${runTag}${sequence.toString(36).padStart(12, '0')}`;
  const marker = eventId(0);
  const body = serializeEvent(checkoutSessionEvent(marker, trimmed), targetBytes);
  const at = body.indexOf(`"${marker}"`) + 1;
  const head = body.slice(0, at);
  const tail = body.slice(at + marker.length);
  return { head, tail, size: body.length, eventId, body: (sequence) => head + eventId(sequence) + tail };
}
