import { Inject } from '@nestjs/common';

// Strings rather than symbols: they name themselves in Nest's "can't resolve dependencies" errors,
// and they match across two copies of the package (its ESM and CJS builds).

/** The options given to `forRoot`, or made by `forRootAsync`'s factory (the unnamed endpoint's). */
export const STRIPE_WEBHOOK_OPTIONS = 'STRIPE_WEBHOOK_OPTIONS';

/**
 * The unnamed endpoint's `WebhookRouter`, filled from the `@OnStripeEvent` methods. Inject it to
 * add what the decorators do not express, such as `onError` or `onAny`.
 */
export const STRIPE_WEBHOOK_ROUTER = 'STRIPE_WEBHOOK_ROUTER';

/**
 * The unnamed endpoint's `WebhookHandler`. Inject it to answer deliveries yourself where there is
 * no HTTP server, such as an application context.
 */
export const STRIPE_WEBHOOK_HANDLER = 'STRIPE_WEBHOOK_HANDLER';

/** A named endpoint's token: the unnamed endpoint keeps the plain constant. */
function named(token: string, endpoint: string | undefined): string {
  return endpoint === undefined ? token : `${token}:${endpoint}`;
}

/** The options token of the endpoint imported with `forRoot({ name })`; no name, the default one. */
export function getStripeWebhookOptionsToken(endpoint?: string): string {
  return named(STRIPE_WEBHOOK_OPTIONS, endpoint);
}

/** The router token of the endpoint imported with `forRoot({ name })`; no name, the default one. */
export function getStripeWebhookRouterToken(endpoint?: string): string {
  return named(STRIPE_WEBHOOK_ROUTER, endpoint);
}

/** The handler token of the endpoint imported with `forRoot({ name })`; no name, the default one. */
export function getStripeWebhookHandlerToken(endpoint?: string): string {
  return named(STRIPE_WEBHOOK_HANDLER, endpoint);
}

/** `@Inject()` for an endpoint's `WebhookRouter`: `@InjectStripeWebhookRouter('connect')`. */
export const InjectStripeWebhookRouter = (endpoint?: string) => Inject(getStripeWebhookRouterToken(endpoint));

/** `@Inject()` for an endpoint's `WebhookHandler`: `@InjectStripeWebhookHandler('connect')`. */
export const InjectStripeWebhookHandler = (endpoint?: string) => Inject(getStripeWebhookHandlerToken(endpoint));

/**
 * Module-local (never exported by the dynamic module): the endpoint's resolved route, router and
 * handler, for the module's own controller and providers. Each `forRoot` import has its own.
 */
export const STRIPE_WEBHOOK_ENDPOINT = 'STRIPE_WEBHOOK_ENDPOINT';
