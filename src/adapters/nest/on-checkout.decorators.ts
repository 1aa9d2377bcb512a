import type { CheckoutSessionHandler } from '../../router/create-webhook-router.js';
import { addBinding, endpointOf, type StripeEndpointOptions } from './on-stripe-event.decorator.js';

/**
 * The router's `onCheckoutPaid` as a decorator: the method runs with `(session, event, ctx)` for
 * `checkout.session.completed` whose `payment_status` is `paid` or `no_payment_required`, and for
 * `checkout.session.async_payment_succeeded`: where Stripe's fulfillment guide says to fulfill.
 */
export function OnCheckoutPaid(options?: StripeEndpointOptions) {
  const endpoint = endpointOf('@OnCheckoutPaid', options);
  return <M extends CheckoutSessionHandler<'checkout.session.completed' | 'checkout.session.async_payment_succeeded'>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void =>
    addBinding('@OnCheckoutPaid', { kind: 'onCheckoutPaid', endpoint }, target, key, descriptor);
}

/**
 * The router's `onCheckoutAwaitingPayment` as a decorator: `checkout.session.completed` with
 * `payment_status` `unpaid` (a delayed method such as a bank debit), as `(session, event, ctx)`.
 */
export function OnCheckoutAwaitingPayment(options?: StripeEndpointOptions) {
  const endpoint = endpointOf('@OnCheckoutAwaitingPayment', options);
  return <M extends CheckoutSessionHandler<'checkout.session.completed'>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void =>
    addBinding('@OnCheckoutAwaitingPayment', { kind: 'onCheckoutAwaitingPayment', endpoint }, target, key, descriptor);
}

/**
 * The router's `onCheckoutPaymentFailed` as a decorator: `checkout.session.async_payment_failed`,
 * the delayed payment did not go through, as `(session, event, ctx)`.
 */
export function OnCheckoutPaymentFailed(options?: StripeEndpointOptions) {
  const endpoint = endpointOf('@OnCheckoutPaymentFailed', options);
  return <M extends CheckoutSessionHandler<'checkout.session.async_payment_failed'>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void =>
    addBinding('@OnCheckoutPaymentFailed', { kind: 'onCheckoutPaymentFailed', endpoint }, target, key, descriptor);
}
