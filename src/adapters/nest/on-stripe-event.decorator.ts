import { SetMetadata } from '@nestjs/common';
import { invalidOption } from '../../options.js';
import type { StripeEventOf, StripeEventType, WebhookContext } from '../../types.js';

/** The metadata key under which the kit's method decorators list what a method handles. */
export const ON_STRIPE_EVENT_METADATA = 'stripe-webhook-kit:on-stripe-event';

/** What a method decorated with `@OnStripeEvent(type)` may look like. */
export type StripeEventMethod<T extends StripeEventType> = (event: StripeEventOf<T>, ctx: WebhookContext) => unknown;

/** Which endpoint's deliveries a decorated method handles. */
export interface StripeEndpointOptions {
  /** The `name` given to `forRoot`/`forRootAsync`. Default: every endpoint of the app. */
  endpoint?: string;
}

/** One decorator's entry: which router method the explorer calls for the decorated method. */
export type StripeWebhookBinding =
  | { kind: 'on'; types: readonly StripeEventType[]; endpoint: string | undefined }
  | { kind: 'onCheckoutPaid' | 'onCheckoutAwaitingPayment' | 'onCheckoutPaymentFailed'; endpoint: string | undefined };

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
export function OnStripeEvent<T extends StripeEventType>(type: T | readonly T[], options?: StripeEndpointOptions) {
  const types: readonly StripeEventType[] = typeof type === 'string' ? [type] : type;
  if (!Array.isArray(types) || types.length === 0 || !types.every((one) => typeof one === 'string' && one.length > 0)) {
    throw new TypeError('@OnStripeEvent: pass an event type, e.g. "checkout.session.completed", or a non-empty array of them.');
  }
  const binding: StripeWebhookBinding = { kind: 'on', types, endpoint: endpointOf('@OnStripeEvent', options) };
  // Generic in the method, so that a method whose parameter does not accept the event of `type`
  // (say, an invoice event on 'checkout.session.completed') fails to compile.
  return <M extends StripeEventMethod<T>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void =>
    addBinding('@OnStripeEvent', binding, target, key, descriptor);
}

/** Validates `{ endpoint }` where the decorator is written. */
export function endpointOf(decorator: string, options: StripeEndpointOptions | undefined): string | undefined {
  const endpoint = options?.endpoint;
  if (endpoint !== undefined && (typeof endpoint !== 'string' || endpoint === '')) {
    throw invalidOption('type', decorator, 'endpoint', 'the `name` given to StripeWebhookModule.forRoot (e.g. "connect")', endpoint);
  }
  return endpoint;
}

/** Adds to, rather than replaces, the method's list: a method may carry several decorators. */
export function addBinding(decorator: string, binding: StripeWebhookBinding, target: object, key: string | symbol, descriptor: PropertyDescriptor): void {
  if (typeof descriptor.value !== 'function') throw new TypeError(`${decorator} decorates methods; ${String(key)} is not one.`);
  // Nest's SetMetadata (which also loads reflect-metadata) keeps the list on the method, where
  // Reflector finds it.
  SetMetadata(ON_STRIPE_EVENT_METADATA, [...bindingsOf(descriptor.value), binding])(target, key, descriptor);
}

/** What the kit's decorators put on `method`: empty for any other method. */
export function bindingsOf(method: unknown): readonly StripeWebhookBinding[] {
  if (typeof method !== 'function') return [];
  return (Reflect.getMetadata(ON_STRIPE_EVENT_METADATA, method) as readonly StripeWebhookBinding[] | undefined) ?? [];
}
