import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { createWebhookHandler } from '../../handler/create-webhook-handler.js';
import { createWebhookRouter, type WebhookRouter } from '../../router/create-webhook-router.js';
import { StripeWebhookExplorer } from './stripe-webhook-explorer.js';
import { toHandlerOptions, type StripeWebhookModuleAsyncOptions, type StripeWebhookModuleOptions } from './stripe-webhook-options.js';
import { StripeWebhookRoute } from './stripe-webhook-route.js';
import { STRIPE_WEBHOOK_HANDLER, STRIPE_WEBHOOK_OPTIONS, STRIPE_WEBHOOK_ROUTER } from './tokens.js';

/**
 * Receives Stripe's webhooks in a NestJS app (Nest 10 to 12, Express or Fastify platform): it
 * mounts the route, verifies each delivery, deduplicates it and runs the `@OnStripeEvent`
 * methods of the app's providers, answering per the kit's status contract (200, never Nest's
 * default 201). It works whether or not the app was created with `{ rawBody: true }`.
 *
 * The route is mounted on the underlying server, outside Nest's routing: `app.setGlobalPrefix()`,
 * versioning, guards, interceptors, pipes and exception filters do not apply to it.
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
    return webhookModule([], { provide: STRIPE_WEBHOOK_OPTIONS, useValue: options });
  }

  /** With options made from injected providers, e.g. `ConfigService`. */
  static forRootAsync(options: StripeWebhookModuleAsyncOptions): DynamicModule {
    if (typeof options?.useFactory !== 'function') {
      throw new TypeError('StripeWebhookModule.forRootAsync: pass `useFactory`, e.g. `{ inject: [ConfigService], useFactory: (config) => ({ secret: config.get("STRIPE_WEBHOOK_SECRET") }) }`.');
    }
    const { useFactory, path } = options;
    return webhookModule(options.imports ?? [], {
      provide: STRIPE_WEBHOOK_OPTIONS,
      inject: options.inject ?? [],
      useFactory: async (...injected: unknown[]): Promise<StripeWebhookModuleOptions> => {
        const made = await useFactory(...(injected as never[]));
        return path === undefined ? made : { ...made, path };
      },
    });
  }
}

function webhookModule(imports: NonNullable<StripeWebhookModuleAsyncOptions['imports']>, optionsProvider: Provider): DynamicModule {
  return {
    module: StripeWebhookModule,
    // One webhook endpoint per app, whose router and handler any module may inject.
    global: true,
    imports: [DiscoveryModule, ...imports],
    providers: [
      optionsProvider,
      { provide: STRIPE_WEBHOOK_ROUTER, useFactory: () => createWebhookRouter() },
      {
        provide: STRIPE_WEBHOOK_HANDLER,
        inject: [STRIPE_WEBHOOK_OPTIONS, STRIPE_WEBHOOK_ROUTER],
        // Built while providers are created, so a bad option fails `NestFactory.create`.
        useFactory: (options: StripeWebhookModuleOptions, router: WebhookRouter) => createWebhookHandler(toHandlerOptions(options, router)),
      },
      StripeWebhookRoute,
      StripeWebhookExplorer,
    ],
    exports: [STRIPE_WEBHOOK_ROUTER, STRIPE_WEBHOOK_HANDLER],
  };
}
