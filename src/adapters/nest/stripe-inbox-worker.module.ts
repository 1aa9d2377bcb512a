import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { STRIPE_INBOX_WORKER_ENDPOINT, STRIPE_INBOX_WORKER_OPTIONS, StripeInboxWorkerHost } from './stripe-inbox-worker-host.js';
import {
  resolveWorkerEndpoint,
  resolveWorkerOptions,
  type StripeInboxWorkerModuleAsyncOptions,
  type StripeInboxWorkerModuleOptions,
  type WorkerModuleEntry,
} from './stripe-inbox-worker-options.js';

/**
 * Processes the durable inbox's events in a Nest app or application context
 * (`NestFactory.createApplicationContext`, no HTTP server): the same `@OnStripeEvent` and
 * `@OnCheckout*` methods as the webhook route run for each event, with the engine's retries. The
 * worker starts with the app (`init()` resolves once it takes jobs) and stops gracefully on
 * `app.close()` (or a signal, with `enableShutdownHooks()`): it takes nothing new and finishes
 * what it holds.
 *
 * @example
 * ```ts
 * @Module({ imports: [StripeInboxWorkerModule.forRoot({ inbox: pgBossInbox(boss), concurrency: 8 })], providers: [Fulfillment] })
 * export class WorkerModule {}
 * const app = await NestFactory.createApplicationContext(WorkerModule);
 * app.enableShutdownHooks();
 * ```
 */
@Module({})
export class StripeInboxWorkerModule {
  /** With the options at hand. */
  static forRoot(options: StripeInboxWorkerModuleOptions): DynamicModule {
    const entry = 'StripeInboxWorkerModule.forRoot';
    // Checked now, so that a bad option fails where the module is imported.
    const resolved = resolveWorkerOptions(options, entry);
    return workerModule(entry, options?.endpoint, [], { provide: STRIPE_INBOX_WORKER_OPTIONS, useValue: resolved });
  }

  /** With options made from injected providers, e.g. the `PgBoss` instance your app provides. */
  static forRootAsync(options: StripeInboxWorkerModuleAsyncOptions): DynamicModule {
    const entry = 'StripeInboxWorkerModule.forRootAsync';
    if (typeof options?.useFactory !== 'function') {
      throw new TypeError(`${entry}: pass \`useFactory\`, e.g. \`{ inject: [PgBoss], useFactory: (boss) => ({ inbox: pgBossInbox(boss), concurrency: 8 }) }\`.`);
    }
    const { useFactory } = options;
    return workerModule(entry, options.endpoint, options.imports ?? [], {
      provide: STRIPE_INBOX_WORKER_OPTIONS,
      inject: options.inject ?? [],
      useFactory: async (...injected: unknown[]) => resolveWorkerOptions(await useFactory(...(injected as never[])), entry),
    });
  }
}

function workerModule(
  entry: WorkerModuleEntry,
  endpoint: unknown,
  imports: NonNullable<StripeInboxWorkerModuleAsyncOptions['imports']>,
  optionsProvider: Provider,
): DynamicModule {
  const name = resolveWorkerEndpoint(endpoint, entry);
  return {
    module: StripeInboxWorkerModule,
    imports: [DiscoveryModule, ...imports],
    providers: [optionsProvider, { provide: STRIPE_INBOX_WORKER_ENDPOINT, useValue: { name } }, StripeInboxWorkerHost],
  };
}
