import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { checkoutScenario, checkoutScenarioNames, createSignedRequest } from '../../src/entries/testing.js';
import { testSecret } from '../support/deliveries.js';

const stripe = new Stripe('sk_test_scenarios');

describe('checkoutScenario', () => {
  it.each([
    ['card', ['charge.succeeded', 'payment_intent.succeeded', 'checkout.session.completed'], ['paid']],
    ['async-succeeded', ['payment_intent.processing', 'checkout.session.completed', 'payment_intent.succeeded', 'checkout.session.async_payment_succeeded'], ['unpaid', 'paid']],
    ['async-failed', ['payment_intent.processing', 'checkout.session.completed', 'payment_intent.payment_failed', 'checkout.session.async_payment_failed'], ['unpaid', 'unpaid']],
    ['expired', ['checkout.session.expired'], ['unpaid']],
  ] as const)('%s: the events of the flow, about one order and one session', (name, types, paymentStatuses) => {
    const events = checkoutScenario(name, { orderId: 'ord_42', created: 1_800_000_000, amount: 4200, currency: 'eur' });
    expect(events.map((event) => event.type)).toEqual(types);
    expect(events.map((event) => event.created)).toEqual(types.map((_, index) => 1_800_000_000 + index));
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);

    const sessions = events.flatMap((event) => (event.data.object.object === 'checkout.session' ? [event.data.object as Stripe.Checkout.Session] : []));
    expect(sessions.map((session) => session.payment_status)).toEqual(paymentStatuses);
    expect(new Set(sessions.map((session) => session.id)).size).toBe(1);
    for (const session of sessions) {
      expect(session).toMatchObject({ metadata: { orderId: 'ord_42' }, client_reference_id: 'ord_42', amount_total: 4200, currency: 'eur' });
    }
    // The PaymentIntent and Charge name the session's PaymentIntent and carry the order too.
    const intentId = sessions[0]!.payment_intent;
    for (const event of events) {
      const object = event.data.object as { object: string; id: string; payment_intent?: string; metadata?: Record<string, string> };
      if (object.object === 'payment_intent') expect(object).toMatchObject({ id: intentId, metadata: { orderId: 'ord_42' } });
      if (object.object === 'charge') expect(object).toMatchObject({ payment_intent: intentId, metadata: { orderId: 'ord_42' } });
    }
  });

  it('gives paid and failed intents the matching state, and an expired session no PaymentIntent', () => {
    const [, succeeded, completed] = checkoutScenario('card', { orderId: 'o' });
    expect(succeeded.data.object).toMatchObject({ status: 'succeeded', amount_received: 2000 });
    expect(completed.data.object).toMatchObject({ status: 'complete', payment_status: 'paid', payment_method_types: ['card'] });
    const failed = checkoutScenario('async-failed', { orderId: 'o' })[2];
    expect(failed.data.object).toMatchObject({ status: 'requires_payment_method', amount_received: 0 });
    expect(checkoutScenario('expired', { orderId: 'o' })[0].data.object).toMatchObject({ status: 'expired', payment_intent: null });
  });

  it('makes fresh ids each call and events that stripe-node parses', () => {
    const [a, b] = [checkoutScenario('card', { orderId: 'o' }), checkoutScenario('card', { orderId: 'o' })];
    expect(a[2].data.object.id).not.toBe(b[2].data.object.id);
    for (const event of a) {
      const request = createSignedRequest(event, testSecret);
      expect(stripe.webhooks.constructEvent(request.body, request.headers['stripe-signature'], testSecret)).toEqual(event);
    }
  });

  it('names the scenarios and refuses unknown ones and a missing orderId', () => {
    expect(checkoutScenarioNames).toEqual(['card', 'async-succeeded', 'async-failed', 'expired']);
    expect(() => checkoutScenario('bank' as 'card', { orderId: 'o' })).toThrow(/unknown scenario "bank"; use one of card, async-succeeded/);
    expect(() => checkoutScenario('card', {} as { orderId: string })).toThrow(/pass \{ orderId \}/);
  });
});
