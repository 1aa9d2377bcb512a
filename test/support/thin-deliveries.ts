// Signed thin notifications for tests, each with its snapshot twin (as Stripe sends both during a
// migration) and its Checkout Session served by the Stripe stand-in.
import type Stripe from 'stripe';
import type { ThinEventPayload } from '../../src/event-types.js';
import { createSignedRequest, createTestEvent, createTestNotification } from '../../src/entries/testing.js';
import { testSecret, type Delivery } from './deliveries.js';
import type { ThinObjectsServer } from './stripe-api/thin-objects-server.js';

type CheckoutType = 'checkout.session.completed' | 'checkout.session.async_payment_succeeded' | 'checkout.session.async_payment_failed';

export interface ThinCheckout {
  /** The snapshot event, signed: what a snapshot endpoint receives for the occurrence. */
  snapshot: Delivery<Stripe.Event>;
  /** The thin notification of the same occurrence (its `snapshot_event` names the snapshot). */
  notification: ThinEventPayload;
  body: string;
  headers: Delivery['headers'];
  session: Stripe.Checkout.Session;
}

/** A Checkout occurrence for `orderId`, its session put in the stand-in for fetchRelatedObject(). */
export function thinCheckout(
  api: ThinObjectsServer,
  orderId: string,
  options: { type?: CheckoutType; paymentStatus?: Stripe.Checkout.Session.PaymentStatus; secret?: string; linked?: boolean } = {},
): ThinCheckout {
  const secret = options.secret ?? testSecret;
  const event = createTestEvent(options.type ?? 'checkout.session.completed', {
    data: { object: { metadata: { orderId }, ...(options.paymentStatus ? { payment_status: options.paymentStatus } : {}) } },
  }) as Stripe.Event;
  const session = event.data.object as Stripe.Checkout.Session;
  const linked = createTestNotification(event);
  const notification = options.linked === false ? { ...linked, snapshot_event: undefined } : linked;
  api.put(`/v1/checkout/sessions/${session.id}`, session);
  // What fetchEvent() gets: the v2 event with the same id and the related object.
  api.put(`/v2/core/events/${notification.id}`, { ...notification });
  const snapshotRequest = createSignedRequest(event, secret);
  const { body, headers } = createSignedRequest(notification, secret);
  return { snapshot: { event, body: snapshotRequest.body, headers: snapshotRequest.headers }, notification, body, headers, session };
}
