import { deduplicationKey, type ThinEventPayload } from '../event-types.js';
import { InboxError } from './inbox-error.js';
import { objectIdOf, orderIdOf } from './list-filter.js';
import type { InboxEvent } from './types.js';

/** The event log's fields for one event, the same in both engines. */
export interface EventLogFields {
  /** The key the log deduplicates on: a thin notification's `snapshot_event`, else its id. */
  id: string;
  type: string;
  /** `data.object.id`, or a thin notification's `related_object.id`: what `ordering: 'per-object'` serializes on. */
  objectId: string | undefined;
  /** The order reference of a snapshot event's object; unknown for a thin notification (it carries no object). */
  orderId: string | undefined;
  /** Epoch seconds (a thin notification's `created` is ISO 8601 text). */
  created: number;
  /** The JSON stored and handed back to the worker. */
  payload: string;
}

// The wire fields of a thin notification: stripe-node's adds methods and turns `context` into a
// StripeContext, neither of which belongs in the log.
const thinFields = ['id', 'object', 'type', 'created', 'livemode', 'context', 'related_object', 'snapshot_event', 'reason', 'changes', 'data'] as const;

/** True for a thin notification's payload (`object: "v2.core.event"`), built by stripe-node or not. */
export function isThinPayload(event: InboxEvent): event is ThinEventPayload {
  return event.object === 'v2.core.event';
}

/** Reads the fields both engines store, from a snapshot event or a thin notification (raw or built). */
export function eventLogFields(event: InboxEvent): EventLogFields {
  if (!isThinPayload(event)) {
    return { id: event.id, type: event.type, objectId: objectIdOf(event), orderId: orderIdOf(event), created: event.created, payload: JSON.stringify(event) };
  }
  const wire: Record<string, unknown> = {};
  for (const field of thinFields) {
    const value = (event as unknown as Record<string, unknown>)[field];
    if (value === undefined) continue;
    // StripeContext's toString() gives back the `acct_1/acct_2` text it was parsed from.
    wire[field] = field === 'context' && value !== null && typeof value === 'object' ? (value as { toString(): string }).toString() : value;
  }
  const created = Math.floor(Date.parse(String(event.created)) / 1000);
  if (!Number.isFinite(created)) {
    throw new InboxError('invalid_options', `inbox.enqueue: the thin notification ${event.id} has no valid \`created\` time (ISO 8601 expected, got ${JSON.stringify(event.created)}).`);
  }
  const objectId = event.related_object?.id;
  return { id: deduplicationKey(event), type: event.type, objectId: typeof objectId === 'string' && objectId !== '' ? objectId : undefined, orderId: undefined, created, payload: JSON.stringify(wire) };
}
