import type Stripe from 'stripe';

// Through Exclude, so that the union carries this name: TypeScript drops the name of an indexed
// access type, and every signature (in editors and the API docs) would spell out all its members.
/**
 * Every event type Stripe can send to a webhook endpoint (snapshot events): the `type` of
 * stripe-node's `Stripe.Event` union, so the installed `stripe` package decides the list (about
 * 275 types in stripe 23). Stripe documents each one: https://docs.stripe.com/api/events/types
 */
export type StripeEventType = Exclude<Stripe.Event['type'], never>;

/** The event of one type, narrowed from Stripe's discriminated union. */
export type StripeEventOf<T extends StripeEventType> = Extract<Stripe.Event, { type: T }>;

/** A thin event notification (`object: "v2.core.event"`), as stripe-node builds it. */
export type ThinEventNotification = Stripe.V2.Core.EventNotification;

/** Every thin notification type stripe-node knows: `v1.checkout.session.completed`, `v2.core.account.created`, ... */
export type ThinEventType = ThinEventNotification['type'];

/** The notification of one thin type, with its typed `fetchRelatedObject()` and `fetchEvent()`. */
export type ThinEventOf<T extends ThinEventType> = Extract<ThinEventNotification, { type: T }>;

/**
 * A thin notification as it arrives on the wire, before stripe-node adds `fetchRelatedObject()`
 * and `fetchEvent()`: what `verifyAndParseNotification` returns without a Stripe client.
 * (One interface rather than a mapped copy of stripe-node's union, which is slow to emit.)
 */
export interface ThinEventPayload<T extends ThinEventType = ThinEventType> {
  id: string;
  object: 'v2.core.event';
  type: T;
  /** ISO 8601 time. */
  created: string;
  livemode: boolean;
  /** The Stripe context (the connected account, for Connect), as text. */
  context?: string | null;
  related_object?: { id: string; type: string; url: string } | null;
  /** The snapshot event this notification is the thin version of (during a migration). */
  snapshot_event?: string;
  reason?: Stripe.V2.Core.Event.Reason;
  changes?: Record<string, unknown>;
}

/** What a router routes: a snapshot event or a thin notification. */
export type RoutableEvent = Stripe.Event | ThinEventNotification;

/** Any type a router handler can be registered for. */
export type RoutableEventType = StripeEventType | ThinEventType;

/** The event or notification a handler of `T` receives. */
export type RoutableEventOf<T extends RoutableEventType> = T extends StripeEventType
  ? StripeEventOf<T>
  : T extends ThinEventType
    ? ThinEventOf<T>
    : never;

/** True for a thin notification (checked on `object`, as stripe-node does). */
export function isThinNotification(event: { object?: unknown }): event is ThinEventNotification {
  return event.object === 'v2.core.event';
}

/**
 * The id that deduplicates an occurrence. During a migration Stripe sends both a snapshot event
 * and its thin version; the thin one names the snapshot event in `snapshot_event`, so both claim
 * the same id and the occurrence is processed once.
 */
export function deduplicationKey(event: RoutableEvent | ThinEventPayload): string {
  if (isThinNotification(event)) return typeof event.snapshot_event === 'string' && event.snapshot_event !== '' ? event.snapshot_event : event.id;
  return event.id;
}
