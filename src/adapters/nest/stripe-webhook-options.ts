import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { WebhookHandlerOptions } from '../../handler/build-webhook-handler.js';
import type { WebhookRouter } from '../../router/create-webhook-router.js';
import { nestWebhookLogger } from './nest-webhook-logger.js';

/**
 * The options of `createWebhookHandler`, less the router (the module builds it from the
 * `@OnStripeEvent` methods), plus the route's path.
 */
export interface StripeWebhookModuleOptions extends Omit<WebhookHandlerOptions, 'router' | 'logger'> {
  /**
   * Where Stripe posts, e.g. `'v1/webhook'` (the default) or `'/stripe/events'`. It is the full
   * path: `app.setGlobalPrefix()` does not apply to it.
   */
  path?: string;
  /** Where decisions are logged. Default Nest's `Logger` (context `StripeWebhook`); `false` logs nothing. */
  logger?: WebhookHandlerOptions['logger'];
}

/** Options of `StripeWebhookModule.forRootAsync`: the handler options come from a factory with injected providers. */
export interface StripeWebhookModuleAsyncOptions {
  /** Modules whose providers `inject` names, e.g. `ConfigModule`. */
  imports?: ModuleMetadata['imports'];
  /** What `useFactory` receives, in order, e.g. `[ConfigService]`. */
  inject?: FactoryProvider['inject'];
  /** Makes the options from the injected providers; may be async. */
  useFactory: (...injected: never[]) => StripeWebhookModuleOptions | Promise<StripeWebhookModuleOptions>;
  /** The route's path; wins over a `path` the factory returns. Default `'v1/webhook'`. */
  path?: string;
}

export const defaultPath = '/v1/webhook';

/** The path as both platforms route it: one leading slash. */
export function resolvePath(path: unknown = defaultPath): string {
  if (typeof path !== 'string' || path.trim() !== path || path.replace(/^\/+/, '') === '') {
    throw new TypeError(`StripeWebhookModule: \`path\` must be a non-empty path such as "v1/webhook" (the default), got ${JSON.stringify(path)}.`);
  }
  return `/${path.replace(/^\/+/, '')}`;
}

/** The core handler's options: the module's, with the router and Nest's logger by default. */
export function toHandlerOptions(options: StripeWebhookModuleOptions, router: WebhookRouter): WebhookHandlerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('StripeWebhookModule: pass options with at least `secret`, e.g. `forRoot({ secret: process.env.STRIPE_WEBHOOK_SECRET })`.');
  }
  const { path: _path, logger, ...handlerOptions } = options;
  return { ...handlerOptions, router, logger: logger ?? nestWebhookLogger() };
}
