import type Stripe from 'stripe';
import { createWebhookRouter, NonRetryableError, orderReference, type WebhookRouter } from 'stripe-webhook-kit';
import type { OrdersDb, PaymentDetails, Transition } from './orders-db.js';

/**
 * The webhook side of the order flow, the same in every framework:
 *
 *   checkout.session.completed, payment_status unpaid   -> awaiting_payment (a bank debit is on its way)
 *   checkout.session.completed, paid                     -> paid, fulfilled once
 *   checkout.session.async_payment_succeeded             -> paid, fulfilled once
 *   checkout.session.async_payment_failed                -> payment_failed
 *
 * The router's checkout helpers pick the events; `orderReference` finds the order id the session
 * was created with; the database decides whether the order may move (see orders-db.ts).
 */
export function createOrderWebhooks(orders: OrdersDb): WebhookRouter {
  return addOrderWebhooks(createWebhookRouter(), orders);
}

/** The same handlers, added to a router made elsewhere (NestJS injects the module's). */
export function addOrderWebhooks(router: WebhookRouter, orders: OrdersDb): WebhookRouter {
  return router
    .onCheckoutAwaitingPayment(async (session, event) => {
      report(event, await orders.markAwaitingPayment(findOrder(session), paymentOf(session)), session);
    })
    .onCheckoutPaid(async (session, event) => {
      const result = report(event, await orders.markPaid(findOrder(session), paymentOf(session)), session);
      // Only the delivery that moved the order fulfills it: a duplicate, a retry or a second
      // paid event finds the order already paid and sends nothing twice.
      if (result.changed) console.log(`fulfilling order ${result.order.id}: receipt to ${result.order.email}`);
    })
    .onCheckoutPaymentFailed(async (session, event) => {
      const result = report(event, await orders.markPaymentFailed(findOrder(session), paymentOf(session)), session);
      if (result.changed) console.log(`order ${result.order.id}: payment failed, asking ${result.order.email} to pay another way`);
    });
}

function findOrder(session: Stripe.Checkout.Session): string {
  // metadata.orderId, else client_reference_id; neither is a NonRetryableError (answered 200).
  return orderReference(session);
}

function paymentOf(session: Stripe.Checkout.Session): PaymentDetails {
  const intent = session.payment_intent;
  return { checkoutSessionId: session.id, paymentIntentId: typeof intent === 'string' ? intent : (intent?.id ?? null) };
}

function report(event: Stripe.Event, result: Transition | undefined, session: Stripe.Checkout.Session): Transition {
  // An order this database never had (another environment's event, a deleted order): Stripe's
  // retries for three days would not create it, so acknowledge and record the event.
  if (result === undefined) throw new NonRetryableError(`no order ${orderReference(session)} for ${event.type} ${event.id}`);
  const outcome = result.changed ? `now ${result.order.status}` : `unchanged, still ${result.order.status}`;
  console.log(`${event.type} ${event.id}: order ${result.order.id} ${outcome}`);
  return result;
}
