// The decorator's metadata, read the way the module's explorer reads it.
import { describe, expect, it } from 'vitest';
import { eventTypesOf, OnStripeEvent } from '../../../../src/adapters/nest/on-stripe-event.decorator.js';

describe('@OnStripeEvent', () => {
  it('lists the types on the method, adding up when stacked', () => {
    class Handlers {
      @OnStripeEvent('customer.created')
      @OnStripeEvent(['invoice.paid', 'invoice.payment_failed'])
      handle() {}

      plain() {}
    }
    expect(eventTypesOf(Handlers.prototype.handle)).toEqual(['invoice.paid', 'invoice.payment_failed', 'customer.created']);
    expect(eventTypesOf(Handlers.prototype.plain)).toBeUndefined();
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
