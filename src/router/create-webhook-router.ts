import type Stripe from 'stripe';
import type { StripeEventOf, StripeEventType, TransactionClient, WebhookContext, WebhookLogger } from '../types.js';
import { describeError } from '../describe-error.js';
import { guardLogger } from '../logger.js';
import { invalidOption } from '../options.js';
import { createContext } from './context.js';
import type { CheckoutSessionEventType } from './checkout-event-type.js';
import { thinCheckoutTypes, withCheckoutSession } from './thin-checkout.js';

export type { CheckoutSessionEventType } from './checkout-event-type.js';
import type { RoutableEvent, RoutableEventOf, RoutableEventType } from '../event-types.js';

export { describeError } from '../describe-error.js';

/**
 * A handler for one event type, or for several (it then receives their union): a snapshot event
 * for `checkout.session.completed`, a thin notification for `v1.checkout.session.completed`.
 */
export type EventHandler<T extends RoutableEventType = StripeEventType> = (event: RoutableEventOf<T>, ctx: WebhookContext) => unknown;
/** Sees every snapshot event and every thin notification; tell them apart with `event.object`. */
export type AnyEventHandler = (event: RoutableEvent, ctx: WebhookContext) => unknown;
/** Called once after a dispatch in which any handler failed; `error.errors` holds their errors. */
export type ErrorHandler = (error: AggregateError, event: RoutableEvent, ctx: WebhookContext) => unknown;
/**
 * A handler for a Checkout Session event, given the session first. For a thin notification
 * (`v1.checkout.session.*`) the session is fetched from the API and `event` is the snapshot event
 * the notification stands for, so the same handler serves both kinds of endpoint.
 */
export type CheckoutSessionHandler<T extends StripeEventType = CheckoutSessionEventType> = (
  session: Stripe.Checkout.Session,
  event: StripeEventOf<T>,
  ctx: WebhookContext,
) => unknown;

/** Options of `router.dispatch`. */
export interface DispatchOptions {
  logger?: WebhookLogger;
  /** Sets `ctx.stale` (an inbox worker with `ordering: 'per-object'` does). */
  stale?: boolean;
  /** Sets `ctx.db`: a transactional store's client, or an inbox worker's with `transactional: true`. */
  db?: TransactionClient;
  /** Sets `ctx.signal`: aborted when the attempt is abandoned (its deadline, a lost lease, a stopping worker). */
  signal?: AbortSignal;
}

/** Routes verified events to typed handlers. */
export interface WebhookRouter {
  /** Runs `handler` for events of `type` (or of any type in the array), narrowed to that type. */
  on<T extends RoutableEventType>(type: T | readonly T[], handler: EventHandler<T>): this;
  /** Runs `handler` for every event and thin notification. */
  onAny(handler: AnyEventHandler): this;
  /** Runs after any handler of a dispatch failed, including with a `NonRetryableError`. */
  onError(handler: ErrorHandler): this;
  /**
   * Fulfill here: `checkout.session.completed` with `payment_status` `paid` or
   * `no_payment_required`, and `checkout.session.async_payment_succeeded`.
   */
  onCheckoutPaid(handler: CheckoutSessionHandler<'checkout.session.completed' | 'checkout.session.async_payment_succeeded'>): this;
  /** `checkout.session.completed` with `payment_status` `unpaid`: a delayed method such as a bank debit. */
  onCheckoutAwaitingPayment(handler: CheckoutSessionHandler<'checkout.session.completed'>): this;
  /** `checkout.session.async_payment_failed`: the delayed payment did not go through. */
  onCheckoutPaymentFailed(handler: CheckoutSessionHandler<'checkout.session.async_payment_failed'>): this;
  /**
   * Runs every matching handler (concurrently). Rejects with an `AggregateError` of the
   * handlers' errors if any failed, after calling the `onError` handlers once.
   */
  dispatch(event: RoutableEvent, options?: DispatchOptions): Promise<void>;
  /** The event types with a handler of their own (not counting `onAny`). */
  readonly eventTypes: ReadonlySet<RoutableEventType>;
}

/**
 * A router with no handlers yet. Add them with `on`, `onAny`, `onError` and the checkout helpers
 * (each returns the router, so calls chain), then hand it to `createWebhookHandler` or an adapter.
 */
export function createWebhookRouter(): WebhookRouter {
  const byType = new Map<string, AnyEventHandler[]>();
  const anyHandlers: AnyEventHandler[] = [];
  const errorHandlers: ErrorHandler[] = [];

  const add = (type: string, handler: AnyEventHandler) => {
    if (typeof type !== 'string' || type.length === 0) throw invalidOption('type', 'router.on', 'type', 'an event type such as "checkout.session.completed"', type);
    const handlers = byType.get(type) ?? [];
    handlers.push(handler);
    byType.set(type, handlers);
  };
  const requireFunction = (method: string, handler: unknown) => {
    if (typeof handler !== 'function') throw invalidOption('type', `router.${method}`, 'handler', 'a function', handler);
  };

  const router: WebhookRouter = {
    get eventTypes() {
      return new Set(byType.keys()) as ReadonlySet<RoutableEventType>;
    },
    on(type, handler) {
      requireFunction('on', handler);
      for (const one of typeof type === 'string' ? [type] : type) add(one, handler as AnyEventHandler);
      return router;
    },
    onAny(handler) {
      requireFunction('onAny', handler);
      anyHandlers.push(handler);
      return router;
    },
    onError(handler) {
      requireFunction('onError', handler);
      errorHandlers.push(handler);
      return router;
    },
    onCheckoutPaid(handler) {
      requireFunction('onCheckoutPaid', handler);
      const types = ['checkout.session.completed', 'checkout.session.async_payment_succeeded', thinCheckoutTypes.completed, thinCheckoutTypes.succeeded] as const;
      return router.on(types, (event, ctx) =>
        withCheckoutSession(event, (session, snapshot) => {
          const paid = snapshot.type === 'checkout.session.async_payment_succeeded' || session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
          // A stale event describes a session state a newer event already replaced.
          return paid && ctx.stale !== true ? handler(session, snapshot, ctx) : undefined;
        }),
      );
    },
    onCheckoutAwaitingPayment(handler) {
      requireFunction('onCheckoutAwaitingPayment', handler);
      return router.on(['checkout.session.completed', thinCheckoutTypes.completed], (event, ctx) =>
        withCheckoutSession(event, (session, snapshot) => (session.payment_status === 'unpaid' && ctx.stale !== true ? handler(session, snapshot, ctx) : undefined)),
      );
    },
    onCheckoutPaymentFailed(handler) {
      requireFunction('onCheckoutPaymentFailed', handler);
      return router.on(['checkout.session.async_payment_failed', thinCheckoutTypes.failed], (event, ctx) =>
        withCheckoutSession(event, (session, snapshot) => (ctx.stale === true ? undefined : handler(session, snapshot, ctx))),
      );
    },
    async dispatch(event, options) {
      // ctx.signal reads options.signal when a handler does: the inbox worker makes it then.
      const ctx = createContext(event, options?.logger, options?.stale === true, options?.db, options && (() => options.signal));
      const handlers = [...(byType.get(event.type) ?? []), ...anyHandlers];
      let errors: unknown[] = [];
      if (handlers.length === 1) {
        // The usual case, one handler: awaited directly, without a settled promise per handler
        // (this runs on every delivery, see bench/).
        try {
          await (handlers[0] as AnyEventHandler)(event, ctx);
        } catch (error) {
          errors = [error];
        }
      } else if (handlers.length > 1) {
        const results = await Promise.allSettled(handlers.map(async (handler) => handler(event, ctx)));
        errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      }
      if (errors.length === 0) return;

      const failure = new AggregateError(errors, `${errors.length} of ${handlers.length} handlers failed for ${event.type} ${event.id}`);
      for (const onError of errorHandlers) {
        try {
          await onError(failure, event, ctx);
        } catch (error) {
          // An error reporter that fails must not hide the handlers' own failure (nor may a
          // logger that throws while saying so).
          guardLogger(ctx.logger).error('an onError handler threw', { eventId: event.id, error: describeError(error) });
        }
      }
      throw failure;
    },
  };
  return router;
}
