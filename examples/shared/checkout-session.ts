import type { Order } from './orders-db.js';

/** What `POST /orders` returns about the Checkout Session it created. */
export interface CheckoutSessionSummary {
  id: string;
  /** Where to send the customer; `null` for a local session. */
  url: string | null;
  /** True when no Stripe API was called (no STRIPE_SECRET_KEY). */
  local: boolean;
  metadata: Record<string, string>;
  client_reference_id: string;
  /** For a local session: how to play Stripe's part from a terminal. */
  next?: string;
}

export interface CheckoutOptions {
  stripeSecretKey: string | undefined;
  /** The app's own URL, for Checkout's success and cancel pages. */
  publicUrl: string;
  /** The webhook endpoint, for the hint printed with a local session. */
  webhookUrl: string;
}

/**
 * Creates the Checkout Session for an order. The order id travels in `metadata.orderId` (and in
 * `client_reference_id`): the webhook handler reads it back with `orderReference(session)`.
 * Without STRIPE_SECRET_KEY nothing leaves the machine: the session is made up locally, clearly
 * labelled, so that the flow can be run offline with `stripe-webhook-kit trigger`.
 */
export async function createCheckoutSession(order: Order, options: CheckoutOptions): Promise<CheckoutSessionSummary> {
  const metadata = { orderId: order.id };
  if (options.stripeSecretKey === undefined) {
    return {
      id: `cs_local_${order.id.slice('ord_'.length)}`,
      url: null,
      local: true,
      metadata,
      client_reference_id: order.id,
      next:
        'STRIPE_SECRET_KEY is not set, so no Stripe API was called. Play the payment with: ' +
        `npx stripe-webhook-kit trigger checkout.session.completed --metadata orderId=${order.id} --forward-to ${options.webhookUrl}`,
    };
  }

  // Loaded only when used, so that the offline flow does not need stripe at all.
  const { default: Stripe } = await import('stripe');
  const stripe = new Stripe(options.stripeSecretKey);
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ quantity: 1, price_data: { currency: order.currency, unit_amount: order.amount, product_data: { name: `Order ${order.id}` } } }],
    customer_email: order.email,
    metadata,
    client_reference_id: order.id,
    // Also on the PaymentIntent, so that payment_intent.* events and the Dashboard show the order.
    payment_intent_data: { metadata },
    success_url: `${options.publicUrl}/orders/${order.id}?checkout=success`,
    cancel_url: `${options.publicUrl}/orders/${order.id}?checkout=canceled`,
  });
  return { id: session.id, url: session.url, local: false, metadata, client_reference_id: order.id };
}
