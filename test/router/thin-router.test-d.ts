// Compile-only: thin notification handlers are typed from stripe-node's EventNotification union.
import type Stripe from 'stripe';
import { describe, expectTypeOf, it } from 'vitest';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import type { RoutableEvent } from '../../src/event-types.js';
import { createTestEvent, createTestNotification } from '../../src/entries/testing.js';
import { verifyAndParseNotification } from '../../src/verify/verify-and-parse-notification.js';

declare const stripe: Stripe;

describe('thin router types', () => {
  it('types a v1 notification and what fetchRelatedObject() resolves', () => {
    createWebhookRouter().on('v1.checkout.session.completed', async (notification, ctx) => {
      expectTypeOf(notification).toEqualTypeOf<Stripe.V2.Core.Events.V1CheckoutSessionCompletedEventNotification>();
      expectTypeOf(await notification.fetchRelatedObject()).toEqualTypeOf<Stripe.Checkout.Session>();
      expectTypeOf(ctx.eventId).toEqualTypeOf<string>();
    });
  });

  it('mixes snapshot and thin types in one registration', () => {
    createWebhookRouter().on(['checkout.session.completed', 'v1.checkout.session.completed'], (event) => {
      if (event.object === 'event') expectTypeOf(event.data.object).toEqualTypeOf<Stripe.Checkout.Session>();
      else expectTypeOf(event.fetchRelatedObject).returns.resolves.toEqualTypeOf<Stripe.Checkout.Session>();
    });
  });

  it('refuses an unknown thin type', () => {
    // @ts-expect-error not a thin event type
    createWebhookRouter().on('v1.checkout.session.complete', () => {});
    // @ts-expect-error v3 does not exist
    createWebhookRouter().on('v3.core.event_destination.ping', () => {});
  });

  it('gives onAny both kinds, and keeps the checkout helpers\' snapshot event', () => {
    createWebhookRouter()
      .onAny((event) => expectTypeOf(event).toEqualTypeOf<RoutableEvent>())
      .onCheckoutPaid((session, event) => {
        expectTypeOf(session).toEqualTypeOf<Stripe.Checkout.Session>();
        expectTypeOf(event.data.object).toEqualTypeOf<Stripe.Checkout.Session>();
      });
  });

  it('types verifyAndParseNotification by whether a Stripe client is given', () => {
    expectTypeOf(verifyAndParseNotification('', '', 'whsec_x', { stripe })).toEqualTypeOf<Stripe.V2.Core.EventNotification>();
    expectTypeOf(verifyAndParseNotification('', '', 'whsec_x')).not.toHaveProperty('fetchEvent');
  });

  it('types createTestNotification from a type or a snapshot event', () => {
    expectTypeOf(createTestNotification('v1.checkout.session.completed').type).toEqualTypeOf<'v1.checkout.session.completed'>();
    expectTypeOf(createTestNotification(createTestEvent('checkout.session.expired')).type).toEqualTypeOf<'v1.checkout.session.expired'>();
    // @ts-expect-error unknown thin type
    createTestNotification('v1.checkout.session.finished');
  });
});
