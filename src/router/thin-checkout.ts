import type Stripe from 'stripe';
import type { StripeEventOf } from '../types.js';
import type { CheckoutSessionEventType } from './checkout-event-type.js';
import { deduplicationKey, isThinNotification, type ThinEventOf } from '../event-types.js';

/** The thin notification of a Checkout Session event: `v1.` and the snapshot type. */
export type ThinCheckoutEventOf<T extends CheckoutSessionEventType> = ThinEventOf<`v1.${T}`>;

/** The thin versions of the three fulfillment events, which the checkout helpers also handle. */
export const thinCheckoutTypes = {
  completed: 'v1.checkout.session.completed',
  succeeded: 'v1.checkout.session.async_payment_succeeded',
  failed: 'v1.checkout.session.async_payment_failed',
} as const;

type CheckoutEvent = StripeEventOf<CheckoutSessionEventType> | ThinCheckoutEventOf<CheckoutSessionEventType>;
type SnapshotOf<E extends CheckoutEvent> = E extends { object: 'event' } ? E : E extends ThinCheckoutEventOf<infer T> ? StripeEventOf<T> : never;

// Several helpers may run for one notification (onCheckoutPaid and onCheckoutAwaitingPayment
// both listen to completed): the session is fetched once per notification.
const fetched = new WeakMap<object, Promise<Stripe.Checkout.Session>>();

/**
 * Calls `use` with the Checkout Session and a snapshot-shaped event: for a snapshot event its
 * `data.object` and itself, at once; for a thin notification the session as it is now (fetched
 * with stripe-node's `fetchRelatedObject()`) and the snapshot event that notification stands for,
 * so a helper written for snapshot events runs unchanged.
 */
export function withCheckoutSession<E extends CheckoutEvent>(event: E, use: (session: Stripe.Checkout.Session, snapshot: SnapshotOf<E>) => unknown): unknown {
  if (!isThinNotification(event)) return use(event.data.object, event as SnapshotOf<E>);
  const notification = event as ThinCheckoutEventOf<CheckoutSessionEventType>;
  let session = fetched.get(notification);
  if (!session) {
    session = fetchSession(notification);
    fetched.set(notification, session);
  }
  return session.then((current) => use(current, snapshotOf(notification, current) as SnapshotOf<E>));
}

async function fetchSession(notification: ThinCheckoutEventOf<CheckoutSessionEventType>): Promise<Stripe.Checkout.Session> {
  if (typeof notification.fetchRelatedObject !== 'function') {
    throw new TypeError(
      `The thin notification ${notification.id} has no fetchRelatedObject(): build it with stripe-node ` +
        '(pass `stripe` to createWebhookHandler or handleTrustedDelivery, or use `stripe.parseEventNotification()`).',
    );
  }
  return notification.fetchRelatedObject();
}

/**
 * The snapshot event a thin checkout notification stands for: its id is the linked snapshot
 * event's (`snapshot_event`) when Stripe sent one, else the notification's; `data.object` is the
 * session fetched now. Stripe keeps no API version on a thin notification, so `api_version` is null.
 */
function snapshotOf(notification: ThinCheckoutEventOf<CheckoutSessionEventType>, session: Stripe.Checkout.Session): StripeEventOf<CheckoutSessionEventType> {
  const request = notification.reason?.request;
  const account = notification.context?.toString();
  return {
    id: deduplicationKey(notification),
    object: 'event',
    type: notification.type.slice('v1.'.length) as CheckoutSessionEventType,
    api_version: null,
    created: Math.floor(Date.parse(notification.created) / 1000),
    livemode: notification.livemode,
    pending_webhooks: 0,
    request: { id: request?.id ?? null, idempotency_key: request?.idempotency_key ?? null },
    data: { object: session },
    ...(account ? { account } : {}),
  };
}
