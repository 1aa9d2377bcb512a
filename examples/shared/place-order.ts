import { createCheckoutSession, type CheckoutOptions, type CheckoutSessionSummary } from './checkout-session.js';
import type { Order, OrdersDb } from './orders-db.js';

/** A request body that cannot become an order: answered with 400 and this message. */
export class OrderInputError extends Error {
  override readonly name = 'OrderInputError';
}

/**
 * `POST /orders`, whatever the framework: validates `{ amount, email, currency? }`, stores a
 * pending order, then creates its Checkout Session carrying `metadata.orderId`.
 */
export async function placeOrder(orders: OrdersDb, body: unknown, checkout: CheckoutOptions): Promise<{ order: Order; checkoutSession: CheckoutSessionSummary }> {
  const { amount, email, currency = 'usd' } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!Number.isSafeInteger(amount) || (amount as number) <= 0) throw new OrderInputError('amount must be a whole number of cents, above 0');
  if (typeof email !== 'string' || !email.includes('@')) throw new OrderInputError('email must be an email address');
  if (typeof currency !== 'string' || !/^[a-z]{3}$/.test(currency)) throw new OrderInputError('currency must be a lower-case ISO code such as usd');

  const order = await orders.createOrder({ amount: amount as number, email, currency });
  const checkoutSession = await createCheckoutSession(order, checkout);
  await orders.attachCheckoutSession(order.id, checkoutSession.id);
  return { order: { ...order, checkout_session_id: checkoutSession.id }, checkoutSession };
}
