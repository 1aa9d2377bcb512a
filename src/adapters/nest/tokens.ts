// Strings rather than symbols: they name themselves in Nest's "can't resolve dependencies" errors,
// and they match across two copies of the package (its ESM and CJS builds).

/** The options given to `forRoot`, or made by `forRootAsync`'s factory. */
export const STRIPE_WEBHOOK_OPTIONS = 'STRIPE_WEBHOOK_OPTIONS';

/**
 * The app's `WebhookRouter`, filled from the `@OnStripeEvent` methods. Inject it to add what the
 * decorator does not express: `onError`, `onAny`, `onCheckoutPaid`.
 */
export const STRIPE_WEBHOOK_ROUTER = 'STRIPE_WEBHOOK_ROUTER';

/**
 * The app's `WebhookHandler`. Inject it to answer deliveries yourself where the module cannot
 * mount its route: an application context without HTTP, or a platform other than Express or
 * Fastify.
 */
export const STRIPE_WEBHOOK_HANDLER = 'STRIPE_WEBHOOK_HANDLER';
