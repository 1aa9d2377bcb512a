// Compile-only: @OnStripeEvent takes only Stripe's event types, and the decorated method must
// accept the event of those types; the checkout decorators' methods take (session, event, ctx).
import type Stripe from 'stripe';
import { describe, it } from 'vitest';
import { OnCheckoutAwaitingPayment, OnCheckoutPaid, OnCheckoutPaymentFailed, OnStripeEvent } from '../../../src/entries/nest.js';
import type { WebhookContext } from '../../../src/types.js';

describe('@OnStripeEvent types', () => {
  it('accepts the narrowed event, a wider one, the context, or no parameter at all', () => {
    class Handlers {
      @OnStripeEvent('checkout.session.completed')
      exact(_event: Stripe.CheckoutSessionCompletedEvent, _ctx: WebhookContext) {}

      @OnStripeEvent('invoice.paid')
      wide(_event: Stripe.Event) {}

      @OnStripeEvent(['checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed'])
      async union(_event: Stripe.CheckoutSessionAsyncPaymentSucceededEvent | Stripe.CheckoutSessionAsyncPaymentFailedEvent) {}

      @OnStripeEvent('customer.created')
      @OnStripeEvent('customer.updated')
      stacked() {}
    }
    void Handlers;
  });

  it('refuses unknown event types and methods that cannot take the event', () => {
    class Handlers {
      // @ts-expect-error not a Stripe event type
      @OnStripeEvent('checkout.session.complete')
      typo() {}

      // @ts-expect-error an invoice handler on a Checkout event
      @OnStripeEvent('checkout.session.completed')
      wrongEvent(_event: Stripe.InvoicePaidEvent) {}

      // @ts-expect-error the method takes one event type, the decorator gives two
      @OnStripeEvent(['checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed'])
      tooNarrow(_event: Stripe.CheckoutSessionAsyncPaymentSucceededEvent) {}
    }
    void Handlers;
  });

  it('gives the checkout decorators\' methods the session, the event and the context', () => {
    class Fulfillment {
      @OnCheckoutPaid({ endpoint: 'connect' })
      paid(_session: Stripe.Checkout.Session, _event: Stripe.CheckoutSessionCompletedEvent | Stripe.CheckoutSessionAsyncPaymentSucceededEvent, _ctx: WebhookContext) {}

      @OnCheckoutAwaitingPayment()
      awaiting(_session: Stripe.Checkout.Session, _event: Stripe.CheckoutSessionCompletedEvent) {}

      @OnCheckoutPaymentFailed()
      failed() {}

      // @ts-expect-error an event where the session comes first
      @OnCheckoutPaid()
      eventFirst(_event: Stripe.CheckoutSessionCompletedEvent) {}

      // @ts-expect-error the failed payment's event is not a completed session's
      @OnCheckoutPaymentFailed()
      wrongEvent(_session: Stripe.Checkout.Session, _event: Stripe.CheckoutSessionCompletedEvent) {}
    }
    void Fulfillment;
  });
});
