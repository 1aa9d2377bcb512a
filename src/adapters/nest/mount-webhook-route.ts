import type { WebhookHandler } from '../../handler/build-webhook-handler.js';
import { stripeWebhookMiddleware } from '../express.js';
import { stripeWebhookPlugin } from '../fastify.js';
import { frameworkOption } from '../resolve-webhook-handler.js';

/** The parts of Nest's `AbstractHttpAdapter` used here; Nest 10, 11 and 12 all have them. */
export interface HttpAdapterLike {
  getType(): string;
  getInstance(): unknown;
}

interface ExpressAppLike {
  all(path: string, handler: ReturnType<typeof stripeWebhookMiddleware>): unknown;
}

interface FastifyAppLike {
  register(plugin: typeof stripeWebhookPlugin, options: { path: string; handler: WebhookHandler; [frameworkOption]: 'nest' }): unknown;
}

/**
 * Puts the webhook route on the server under Nest, through the kit's own Express middleware or
 * Fastify plugin, so that it reads the raw body whatever Nest's `rawBody` option says:
 * - Express: a route registered before `app.init()` sits ahead of the JSON parser Nest adds
 *   there, so the middleware reads the stream itself (or takes `req.rawBody` when it comes later).
 * - Fastify: the plugin's encapsulated context parses its route raw; the app keeps Nest's parsers.
 * Every method is routed, so that the core answers 405 rather than Nest answering 404.
 */
export function mountWebhookRoute(adapter: HttpAdapterLike, path: string, handler: WebhookHandler): void {
  const platform = adapter.getType();
  if (platform === 'express') {
    // Tagged as Nest's, so that errors such as body_not_raw give a Nest user Nest's fix.
    (adapter.getInstance() as ExpressAppLike).all(path, stripeWebhookMiddleware({ handler, [frameworkOption]: 'nest' } as unknown as WebhookHandler));
    return;
  }
  if (platform === 'fastify') {
    // Fastify loads plugins when the app gets ready; an error there fails `app.listen()`.
    void (adapter.getInstance() as FastifyAppLike).register(stripeWebhookPlugin, { path, handler, [frameworkOption]: 'nest' });
    return;
  }
  throw new Error(
    `StripeWebhookModule: the "${platform}" platform is not supported (Express and Fastify are). ` +
      'Inject STRIPE_WEBHOOK_HANDLER and answer deliveries with `handler.handle({ method, headers, body })`, passing the raw body.',
  );
}
