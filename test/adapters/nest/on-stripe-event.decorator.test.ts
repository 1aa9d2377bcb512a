// The decorator's metadata, read the way the module's explorer reads it.
import { describe, expect, it } from 'vitest';
import { OnCheckoutPaid } from '../../../src/adapters/nest/on-checkout.decorators.js';
import { bindingsOf, OnStripeEvent } from '../../../src/adapters/nest/on-stripe-event.decorator.js';

describe('@OnStripeEvent', () => {
  it('lists what the method handles, and for which endpoint, adding up when stacked', () => {
    class Handlers {
      @OnStripeEvent('customer.created', { endpoint: 'connect' })
      @OnStripeEvent(['invoice.paid', 'invoice.payment_failed'])
      @OnCheckoutPaid()
      handle() {}

      plain() {}
    }
    expect(bindingsOf(Handlers.prototype.handle)).toEqual([
      { kind: 'onCheckoutPaid', endpoint: undefined },
      { kind: 'on', types: ['invoice.paid', 'invoice.payment_failed'], endpoint: undefined },
      { kind: 'on', types: ['customer.created'], endpoint: 'connect' },
    ]);
    expect(bindingsOf(Handlers.prototype.plain)).toEqual([]);
  });

  it('refuses an endpoint that is not a name', () => {
    expect(() => OnStripeEvent('invoice.paid', { endpoint: '' })).toThrow(/`endpoint` must be the `name` given to StripeWebhookModule.forRoot/);
    expect(() => OnCheckoutPaid({ endpoint: 42 as never })).toThrow(/@OnCheckoutPaid: `endpoint` must be/);
  });

  it.each([
    ['an empty array', []],
    ['an empty string', ''],
    ['a number', 42],
  ])('refuses %s at class definition', (_what, type) => {
    expect(() => OnStripeEvent(type as never)).toThrow(/pass an event type/);
  });

  it('refuses a property that is not a method', () => {
    const decorate = OnStripeEvent('invoice.paid') as (target: object, key: string, descriptor: PropertyDescriptor) => void;
    expect(() => decorate({}, 'total', { value: 42 })).toThrow(/decorates methods; total is not one/);
  });
});
