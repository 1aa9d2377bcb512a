import type Stripe from 'stripe';
import { createWebhookRouter, NonRetryableError, orderReference, type WebhookRouter } from 'stripe-webhook-kit';
import type { OrdersDb, PaymentDetails, Transition } from './orders-db.js';
import { shipOrder } from './shipping.js';

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
  return createWebhookRouter()
    // ctx.db: the store is postgresStore(..., { transactional: true }), so each transition commits
    // together with the event's done mark. Duplicates and retries cannot apply it twice; the status
    // conditions in orders-db.ts remain for ordering (a late "failed" must not undo "paid").
    .onCheckoutAwaitingPayment(async (session, event, ctx) => {
      report(event, await orders.markAwaitingPayment(findOrder(session), paymentOf(session), ctx.db), session);
    })
    .onCheckoutPaid(async (session, event, ctx) => {
      const result = report(event, await orders.markPaid(findOrder(session), paymentOf(session), ctx.db), session);
      // Only the delivery that moved the order fulfills it: the other paid event of a session, or
      // a paid order's late event, finds it already paid and sends nothing twice.
      // Inside the transaction: if shipping fails, the order stays unpaid and the event is retried.
      if (result.changed) await shipOrder(result.order);
    })
    .onCheckoutPaymentFailed(async (session, event, ctx) => {
      const result = report(event, await orders.markPaymentFailed(findOrder(session), paymentOf(session), ctx.db), session);
      if (result.changed) console.log(`order ${result.order.id}: payment failed, asking ${result.order.email} to pay another way`);
    });
}

function findOrder(session: Stripe.Checkout.Session): string {
  // metadata.orderId, else client_reference_id; neither is a NonRetryableError (answered 200).
  return orderReference(session);
}

/** What the order records of the session that paid it. */
export function paymentOf(session: Stripe.Checkout.Session): PaymentDetails {
  const intent = session.payment_intent;
  return { checkoutSessionId: session.id, paymentIntentId: typeof intent === 'string' ? intent : (intent?.id ?? null) };
}

/** Logs what an event did to its order; an order this database never had is a NonRetryableError. */
export function report(event: Stripe.Event, result: Transition | undefined, session: Stripe.Checkout.Session): Transition {
  // An order this database never had (another environment's event, a deleted order): Stripe's
  // retries for three days would not create it, so acknowledge and record the event.
  if (result === undefined) throw new NonRetryableError(`no order ${orderReference(session)} for ${event.type} ${event.id}`);
  const outcome = result.changed ? `now ${result.order.status}` : `unchanged, still ${result.order.status}`;
  console.log(`${event.type} ${event.id}: order ${result.order.id} ${outcome}`);
  return result;
}
