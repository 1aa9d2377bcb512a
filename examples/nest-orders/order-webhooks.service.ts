import { Inject, Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import { orderReference, type WebhookContext } from 'stripe-webhook-kit';
import { OnCheckoutAwaitingPayment, OnCheckoutPaid, OnCheckoutPaymentFailed, OnStripeEvent } from 'stripe-webhook-kit/nest';
import type { OrdersDb } from '../shared/orders-db.js';
import { paymentOf, report } from '../shared/order-webhooks.js';
import { shipOrder } from '../shared/shipping.js';
import { ORDERS_DB } from './tokens.js';

/**
 * The order flow of every example, as decorated methods:
 *
 *   checkout.session.completed, payment_status unpaid   -> awaiting_payment (a bank debit is on its way)
 *   checkout.session.completed, paid                     -> paid, fulfilled once
 *   checkout.session.async_payment_succeeded             -> paid, fulfilled once
 *   checkout.session.async_payment_failed                -> payment_failed
 *
 * The checkout decorators pick the events (as the router's helpers do in the other examples);
 * the database decides whether the order may move (see ../shared/orders-db.ts).
 */
@Injectable()
export class OrderWebhooks {
  constructor(@Inject(ORDERS_DB) private readonly orders: OrdersDb) {}

  @OnCheckoutAwaitingPayment()
  async awaitingPayment(session: Stripe.Checkout.Session, event: Stripe.Event, ctx: WebhookContext): Promise<void> {
    report(event, await this.orders.markAwaitingPayment(orderReference(session), paymentOf(session), ctx.db), session);
  }

  @OnCheckoutPaid()
  async paid(session: Stripe.Checkout.Session, event: Stripe.Event, ctx: WebhookContext): Promise<void> {
    // ctx.db: the transition commits with the event's done mark (a transactional store), so a
    // duplicate or a retry cannot apply it twice; the status conditions remain for ordering.
    // Use ctx.db for every query of a handler: on PGlite, another query would wait for this
    // transaction to end.
    const result = report(event, await this.orders.markPaid(orderReference(session), paymentOf(session), ctx.db), session);
    // Inside the transaction: if shipping fails, the order stays unpaid and the event is retried.
    if (result.changed) await shipOrder(result.order);
  }

  @OnCheckoutPaymentFailed()
  async paymentFailed(session: Stripe.Checkout.Session, event: Stripe.Event, ctx: WebhookContext): Promise<void> {
    const result = report(event, await this.orders.markPaymentFailed(orderReference(session), paymentOf(session), ctx.db), session);
    if (result.changed) console.log(`order ${result.order.id}: payment failed, asking ${result.order.email} to pay another way`);
  }

  /** Any other event type is one decorated method away. */
  @OnStripeEvent('checkout.session.expired')
  async expired(event: Stripe.CheckoutSessionExpiredEvent, ctx: WebhookContext): Promise<void> {
    const order = await this.orders.getOrder(orderReference(event.data.object), ctx.db);
    // Nothing to undo: the order stays as it is, and the customer may start a new session.
    console.log(`checkout expired for order ${order?.id ?? '(unknown)'}, still ${order?.status ?? 'absent'}`);
  }
}
