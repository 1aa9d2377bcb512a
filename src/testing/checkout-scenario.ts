import type Stripe from 'stripe';
import { createTestEvent } from './create-test-event.js';

/**
 * The events Stripe sends for one Checkout payment, in `created` order, for each flow of Stripe's
 * fulfillment guide. The PaymentIntent and Charge events come with them as they do from Stripe;
 * handlers that only fulfill on the checkout events must ignore them.
 */
export interface CheckoutScenarios {
  /** A card payment: paid at once. */
  card: [Stripe.ChargeSucceededEvent, Stripe.PaymentIntentSucceededEvent, Stripe.CheckoutSessionCompletedEvent];
  /** A delayed method (a bank debit) that succeeds: completed with `payment_status: 'unpaid'`, then async_payment_succeeded. */
  'async-succeeded': [
    Stripe.PaymentIntentProcessingEvent,
    Stripe.CheckoutSessionCompletedEvent,
    Stripe.PaymentIntentSucceededEvent,
    Stripe.CheckoutSessionAsyncPaymentSucceededEvent,
  ];
  /** A delayed method that fails: completed with `payment_status: 'unpaid'`, then async_payment_failed. */
  'async-failed': [
    Stripe.PaymentIntentProcessingEvent,
    Stripe.CheckoutSessionCompletedEvent,
    Stripe.PaymentIntentPaymentFailedEvent,
    Stripe.CheckoutSessionAsyncPaymentFailedEvent,
  ];
  /** The customer never paid: the session expired. */
  expired: [Stripe.CheckoutSessionExpiredEvent];
}

/** The Checkout flows `checkoutScenario` can play. */
export type CheckoutScenarioName = keyof CheckoutScenarios;

/** Every scenario name, e.g. to run them all. */
export const checkoutScenarioNames: readonly CheckoutScenarioName[] = ['card', 'async-succeeded', 'async-failed', 'expired'];

/** The order a flow is about (`metadata.orderId`), and its start time and amount. */
export interface CheckoutScenarioOptions {
  /** Your order's id: set as the session's `metadata.orderId` and `client_reference_id`, and the PaymentIntent's and Charge's `metadata.orderId`. */
  orderId: string;
  /** Unix seconds of the first event; each next one is a second later. Default: now. */
  created?: number;
  /** In the currency's smallest unit. Default 2000. */
  amount?: number;
  /** Default 'usd'. */
  currency?: string;
}

/**
 * A ready sequence of typed events for one Checkout flow, about one order: one session id, one
 * PaymentIntent id and increasing `created` times across the sequence, fresh event ids each call.
 *
 * @example
 * const events = checkoutScenario('async-succeeded', { orderId: order.id });
 * await simulateDeliveries({ url, secret, events, seed: 1, duplicates: 0.3, reorder: true });
 */
export function checkoutScenario<N extends CheckoutScenarioName>(name: N, options: CheckoutScenarioOptions): CheckoutScenarios[N] {
  if (!checkoutScenarioNames.includes(name)) {
    throw new TypeError(`checkoutScenario: unknown scenario "${String(name)}"; use one of ${checkoutScenarioNames.join(', ')}.`);
  }
  if (typeof options?.orderId !== 'string' || options.orderId === '') throw new TypeError('checkoutScenario: pass { orderId }, the id your app gave the order.');
  const start = options.created ?? Math.floor(Date.now() / 1000);
  const amount = options.amount ?? 2000;
  const currency = options.currency ?? 'usd';
  const metadata = { orderId: options.orderId };
  const delayed = name === 'async-succeeded' || name === 'async-failed';
  const methods = delayed ? ['us_bank_account'] : ['card'];
  // Fresh ids in Stripe's formats, shared by every event of the flow.
  const template = createTestEvent('checkout.session.completed').data.object;
  const sessionId = template.id;
  const intentId = template.payment_intent as string;
  const chargeId = `ch_${intentId.slice('pi_'.length)}`;
  let created = start;

  const session = <T extends CheckoutSessionEventType>(type: T, paymentStatus: 'paid' | 'unpaid') =>
    createTestEvent(type, {
      created: created++,
      data: {
        object: {
          id: sessionId,
          // An expired session never got as far as a PaymentIntent.
          payment_intent: type === 'checkout.session.expired' ? null : intentId,
          created: start,
          metadata,
          client_reference_id: options.orderId,
          amount_subtotal: amount,
          amount_total: amount,
          currency,
          payment_status: paymentStatus,
          payment_method_types: methods,
        },
      },
    } as Parameters<typeof createTestEvent<T>>[1]);
  const intent = <T extends PaymentIntentEventType>(type: T, status: Stripe.PaymentIntent.Status) =>
    createTestEvent(type, {
      created: created++,
      data: {
        object: {
          id: intentId,
          created: start,
          amount,
          amount_received: status === 'succeeded' ? amount : 0,
          currency,
          status,
          metadata,
          payment_method_types: methods,
          latest_charge: chargeId,
          last_payment_error: null,
          next_action: null,
        },
      },
    } as Parameters<typeof createTestEvent<T>>[1]);
  const charge = () =>
    createTestEvent('charge.succeeded', {
      created: created++,
      data: { object: { id: chargeId, created: start, amount, amount_captured: amount, captured: true, currency, payment_intent: intentId, metadata } },
    });

  const sequences: { [K in CheckoutScenarioName]: () => CheckoutScenarios[K] } = {
    card: () => [charge(), intent('payment_intent.succeeded', 'succeeded'), session('checkout.session.completed', 'paid')],
    'async-succeeded': () => [
      intent('payment_intent.processing', 'processing'),
      session('checkout.session.completed', 'unpaid'),
      intent('payment_intent.succeeded', 'succeeded'),
      session('checkout.session.async_payment_succeeded', 'paid'),
    ],
    'async-failed': () => [
      intent('payment_intent.processing', 'processing'),
      session('checkout.session.completed', 'unpaid'),
      intent('payment_intent.payment_failed', 'requires_payment_method'),
      session('checkout.session.async_payment_failed', 'unpaid'),
    ],
    expired: () => [session('checkout.session.expired', 'unpaid')],
  };
  return sequences[name]();
}

type CheckoutSessionEventType = 'checkout.session.completed' | 'checkout.session.async_payment_succeeded' | 'checkout.session.async_payment_failed' | 'checkout.session.expired';
type PaymentIntentEventType = 'payment_intent.processing' | 'payment_intent.succeeded' | 'payment_intent.payment_failed';
