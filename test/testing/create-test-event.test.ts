import { describe, expect, it } from 'vitest';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { exampleObjects } from '../../src/generated/example-objects.js';

describe('createTestEvent', () => {
  it('builds a completed, paid Checkout Session event from Stripe\'s example object', () => {
    const event = createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_1' } } } });
    const session = event.data.object;
    expect(event).toMatchObject({ object: 'event', type: 'checkout.session.completed', livemode: false });
    expect(event.id).toMatch(/^evt_test_\w{24}$/);
    expect(session.id).toMatch(/^cs_test_/);
    expect(session).toMatchObject({ object: 'checkout.session', status: 'complete', payment_status: 'paid', metadata: { orderId: 'o_1' }, amount_total: 2000 });
    // Untouched fields come from Stripe's fixture.
    expect(session.success_url).toBe(exampleObjects['checkout.session']?.success_url);
    expect(session.customer_details?.email).toBe('example@example.com');
  });

  it('puts each checkout event in its state', () => {
    expect(createTestEvent('checkout.session.async_payment_succeeded').data.object.payment_status).toBe('paid');
    expect(createTestEvent('checkout.session.async_payment_failed').data.object.payment_status).toBe('unpaid');
    expect(createTestEvent('checkout.session.expired').data.object.status).toBe('expired');
  });

  it('builds payment_intent.succeeded and charge.refunded from their fixtures', () => {
    const intent = createTestEvent('payment_intent.succeeded').data.object;
    expect(intent).toMatchObject({ object: 'payment_intent', status: 'succeeded' });
    expect(intent.id).toMatch(/^pi_/);
    const charge = createTestEvent('charge.refunded', { data: { object: { amount: 500, amount_refunded: 500 } } }).data.object;
    expect(charge).toMatchObject({ object: 'charge', refunded: true, amount: 500, amount_refunded: 500 });
  });

  it('falls back to a generic object for other types', () => {
    const event = createTestEvent('customer.subscription.trial_will_end');
    expect(event.data.object.object).toBe('subscription');
    const generic = createTestEvent('topup.created');
    expect(generic.data.object).toMatchObject({ object: 'topup', livemode: false });
    expect(generic.data.object.id).toMatch(/^topup_/);
  });

  it('deep-merges overrides without touching the fixture or sharing state between events', () => {
    const first = createTestEvent('checkout.session.completed', { livemode: true, data: { object: { metadata: { a: '1' }, payment_method_types: ['sepa_debit'] } } });
    const second = createTestEvent('checkout.session.completed');
    expect(first.livemode).toBe(true);
    expect(first.data.object.payment_method_types).toEqual(['sepa_debit']);
    expect(second.data.object.metadata).toEqual({});
    expect(second.data.object.payment_method_types).toEqual(['card']);
    expect(first.id).not.toBe(second.id);
    expect(exampleObjects['checkout.session']?.metadata).toEqual({});
  });

  it('rejects a string that is not an event type', () => {
    expect(() => createTestEvent('Checkout Completed' as 'checkout.session.completed')).toThrow(/not a Stripe event type/);
  });
});
