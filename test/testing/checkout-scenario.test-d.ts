import type Stripe from 'stripe';
import { expectTypeOf, test } from 'vitest';
import { checkoutScenario } from '../../src/entries/testing.js';

test('each scenario is a typed tuple', () => {
  const [processing, completed, succeeded, asyncSucceeded] = checkoutScenario('async-succeeded', { orderId: 'o' });
  expectTypeOf(processing).toEqualTypeOf<Stripe.PaymentIntentProcessingEvent>();
  expectTypeOf(completed.data.object).toEqualTypeOf<Stripe.Checkout.Session>();
  expectTypeOf(succeeded).toEqualTypeOf<Stripe.PaymentIntentSucceededEvent>();
  expectTypeOf(asyncSucceeded).toEqualTypeOf<Stripe.CheckoutSessionAsyncPaymentSucceededEvent>();
  expectTypeOf(checkoutScenario('expired', { orderId: 'o' })).toEqualTypeOf<[Stripe.CheckoutSessionExpiredEvent]>();
  // @ts-expect-error: not a scenario
  checkoutScenario('bank-transfer', { orderId: 'o' });
  // @ts-expect-error: the order id is required
  checkoutScenario('card', {});
});
