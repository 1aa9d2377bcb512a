import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { WebhookHandler } from '../../handler/build-webhook-handler.js';
import { createWebhookRouter, type WebhookRouter } from '../../router/create-webhook-router.js';
import { StripeWebhookBodyReader } from './stripe-webhook-body-reader.js';
import { createWebhookController, setControllerPath } from './stripe-webhook-controller.js';
import { StripeWebhookExplorer } from './stripe-webhook-explorer.js';
import {
  endpointLabel,
  resolveDecorators,
  resolveName,
  resolveModuleHandler,
  resolvePath,
  type ModuleEntry,
  type StripeWebhookModuleAsyncOptions,
  type StripeWebhookModuleOptions,
  type StripeWebhookRouteOptions,
} from './stripe-webhook-options.js';
import { getStripeWebhookHandlerToken, getStripeWebhookOptionsToken, getStripeWebhookRouterToken, STRIPE_WEBHOOK_ENDPOINT } from './tokens.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';
import { resolveBodyTimeout } from '../capped-body.js';

/**
 * Receives Stripe's webhooks in a NestJS app (Nest 10 to 12, Express or Fastify platform) on a
 * real Nest route: global prefix, versioning, RouterModule, guards, interceptors, pipes, filters
 * and middleware apply to it as to any route, while the answer is always the kit's status
 * contract (200, never Nest's default 201). It verifies each delivery, deduplicates it and runs
 * the app's `@OnStripeEvent` and `@OnCheckout*` methods, whether or not the app was created with
 * `{ rawBody: true }`. Import it once per endpoint, each with its own `name`.
 *
 * @example
 * ```ts
 * @Module({ imports: [StripeWebhookModule.forRoot({ secret: process.env.STRIPE_WEBHOOK_SECRET ?? '' })], providers: [Orders] })
 * export class AppModule {}
 * ```
 */
@Module({})
export class StripeWebhookModule {
  /** With the options at hand. */
  static forRoot(options: StripeWebhookModuleOptions): DynamicModule {
    const name = resolveName(options?.name);
    return webhookModule('StripeWebhookModule.forRoot', { ...options, name }, [], { provide: getStripeWebhookOptionsToken(name), useValue: options });
  }

  /** With options made from injected providers, e.g. `ConfigService`. */
  static forRootAsync(options: StripeWebhookModuleAsyncOptions): DynamicModule {
    if (typeof options?.useFactory !== 'function') {
      throw new TypeError('StripeWebhookModule.forRootAsync: pass `useFactory`, e.g. `{ inject: [ConfigService], useFactory: (config) => ({ secret: config.get("STRIPE_WEBHOOK_SECRET") }) }`.');
    }
    const { useFactory, path } = options;
    const name = resolveName(options.name);
    return webhookModule('StripeWebhookModule.forRootAsync', { ...options, name }, options.imports ?? [], {
      provide: getStripeWebhookOptionsToken(name),
      inject: options.inject ?? [],
      useFactory: async (...injected: unknown[]): Promise<StripeWebhookModuleOptions> => {
        const made = await useFactory(...(injected as never[]));
        return path === undefined ? made : { ...made, path };
      },
    });
  }
}

function webhookModule(
  entry: ModuleEntry,
  route: StripeWebhookRouteOptions,
  imports: NonNullable<StripeWebhookModuleAsyncOptions['imports']>,
  optionsProvider: Provider,
): DynamicModule {
  const { name } = route;
  // Checked now, so that a bad option fails where the module is imported.
  if (route.path !== undefined) resolvePath(route.path, entry);
  const controller: Type<unknown> = createWebhookController(name, resolveDecorators(route.decorators));
  const tokens = { options: getStripeWebhookOptionsToken(name), router: getStripeWebhookRouterToken(name), handler: getStripeWebhookHandlerToken(name) };
  return {
    module: StripeWebhookModule,
    // Each endpoint's router and handler can be injected in any module.
    global: true,
    imports: [DiscoveryModule, ...imports],
    controllers: [controller],
    providers: [
      optionsProvider,
      { provide: tokens.router, useFactory: () => createWebhookRouter() },
      {
        provide: tokens.handler,
        inject: [tokens.options, tokens.router],
        // Built while providers are created, so a bad option fails `NestFactory.create`.
        useFactory: (options: StripeWebhookModuleOptions, router: WebhookRouter) => resolveModuleHandler(options, router, entry),
      },
      {
        provide: STRIPE_WEBHOOK_ENDPOINT,
        inject: [tokens.options, tokens.router, tokens.handler],
        useFactory: (options: StripeWebhookModuleOptions, router: WebhookRouter, handler: WebhookHandler): WebhookEndpoint => {
          const path = resolvePath(route.path ?? options.path, entry);
          // Nest reads a controller's path when it maps routes, in `app.init()`: after this.
          setControllerPath(controller, path);
          const bodyTimeoutMs = resolveBodyTimeout(options.bodyTimeoutMs, entry);
          return { name, path, label: endpointLabel(name), bodyTimeoutMs, router, handler, inbox: options.inbox };
        },
      },
      StripeWebhookExplorer,
      StripeWebhookBodyReader,
    ],
    exports: [tokens.options, tokens.router, tokens.handler],
  };
}
