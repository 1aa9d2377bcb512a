import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';

// Your orders table, reduced to what the guarded transitions need.
type OrderState = 'pending' | 'awaiting_payment' | 'paid' | 'payment_failed';
const orders = new Map<string, OrderState>();

/** Moves an order only from the states it may leave: a late or repeated event changes nothing. */
function transition(orderId: string, from: readonly OrderState[], to: OrderState): boolean {
  const state = orders.get(orderId) ?? 'pending';
  if (!from.includes(state)) return false;
  orders.set(orderId, to);
  return true;
}

const router = createWebhookRouter()
  .onCheckoutPaid((session, event, ctx) => {
    // metadata.orderId, else client_reference_id; a NonRetryableError when the session has neither.
    const orderId = orderReference(session);
    if (transition(orderId, ['pending', 'awaiting_payment', 'payment_failed'], 'paid')) {
      ctx.logger.info('order paid', { orderId, eventType: event.type });
    }
  })
  .onCheckoutAwaitingPayment((session) => {
    transition(orderReference(session), ['pending'], 'awaiting_payment');
  })
  .onCheckoutPaymentFailed((session) => {
    transition(orderReference(session), ['pending', 'awaiting_payment'], 'payment_failed');
  });
