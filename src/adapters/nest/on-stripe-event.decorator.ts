import { SetMetadata } from '@nestjs/common';
import type { StripeEventOf, StripeEventType, WebhookContext } from '../../types.js';

/** The metadata key under which `@OnStripeEvent` lists a method's event types. */
export const ON_STRIPE_EVENT_METADATA = 'stripe-webhook-kit:on-stripe-event';

/** What a method decorated with `@OnStripeEvent(type)` may look like. */
export type StripeEventMethod<T extends StripeEventType> = (event: StripeEventOf<T>, ctx: WebhookContext) => unknown;

/**
 * Runs the decorated method for events of `type` (or of any type in the array). The method may
 * sit on any provider or controller of the app: it runs on that instance, so its injected
 * dependencies are there. It receives the event, narrowed to the type, and the context.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class Orders {
 *   constructor(private readonly db: OrdersRepository) {}
 *   @OnStripeEvent('checkout.session.completed')
 *   async completed(event: Stripe.CheckoutSessionCompletedEvent, ctx: WebhookContext) {
 *     await this.db.markPaid(orderReference(event.data.object));
 *   }
 * }
 * ```
 */
export function OnStripeEvent<T extends StripeEventType>(type: T | readonly T[]) {
  const types: readonly string[] = typeof type === 'string' ? [type] : type;
  if (!Array.isArray(types) || types.length === 0 || !types.every((one) => typeof one === 'string' && one.length > 0)) {
    throw new TypeError('@OnStripeEvent: pass an event type, e.g. "checkout.session.completed", or a non-empty array of them.');
  }
  // Generic in the method, so that a method whose parameter does not accept the event of `type`
  // (say, an invoice event on 'checkout.session.completed') fails to compile.
  return <M extends StripeEventMethod<T>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    if (typeof descriptor.value !== 'function') throw new TypeError(`@OnStripeEvent decorates methods; ${String(key)} is not one.`);
    // Added to, not replaced: a method may carry the decorator more than once. Nest's SetMetadata
    // (which also loads reflect-metadata) keeps the list on the method, where Reflector finds it.
    SetMetadata(ON_STRIPE_EVENT_METADATA, [...(eventTypesOf(descriptor.value) ?? []), ...(types as readonly string[])])(target, key, descriptor);
  };
}

/** The event types `@OnStripeEvent` put on `method`, if any. */
export function eventTypesOf(method: unknown): readonly StripeEventType[] | undefined {
  if (typeof method !== 'function') return undefined;
  return Reflect.getMetadata(ON_STRIPE_EVENT_METADATA, method) as readonly StripeEventType[] | undefined;
}
