import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { startInboxWorker, type InboxWorker } from '../../inbox/start-inbox-worker.js';
import { createWebhookRouter } from '../../router/create-webhook-router.js';
import { bindDecoratedHandlers } from './bind-decorated-handlers.js';
import type { ResolvedWorkerOptions } from './stripe-inbox-worker-options.js';

/** Module-local tokens of one `StripeInboxWorkerModule` import. */
export const STRIPE_INBOX_WORKER_OPTIONS = 'STRIPE_INBOX_WORKER_OPTIONS';
export const STRIPE_INBOX_WORKER_ENDPOINT = 'STRIPE_INBOX_WORKER_ENDPOINT';

/**
 * Runs one inbox worker for the app's lifetime: it starts once every provider is initialized (so
 * the handlers' dependencies are ready), and stops at the first shutdown hook, so that the
 * handlers it holds finish while the app's other providers are still up.
 */
@Injectable()
export class StripeInboxWorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private worker: InboxWorker | undefined;

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(STRIPE_INBOX_WORKER_OPTIONS) private readonly options: ResolvedWorkerOptions,
    @Inject(STRIPE_INBOX_WORKER_ENDPOINT) private readonly endpoint: { name: string | undefined },
  ) {}

  /** `app.init()` (and so `listen` or `createApplicationContext`) resolves once the engine fetches jobs. */
  async onApplicationBootstrap(): Promise<void> {
    const { inbox, concurrency, logger, moduleLogger } = this.options;
    const { name } = this.endpoint;
    const router = createWebhookRouter();
    const label = `inbox worker${name === undefined ? '' : ` of endpoint "${name}"`}`;
    bindDecoratedHandlers(this.discovery, this.scanner, { name, label, router, logger: moduleLogger });
    this.worker = startInboxWorker({ inbox, router, concurrency, logger });
    await this.worker.ready;
    moduleLogger.info(`${label} takes jobs from ${inbox.engine} queue "${inbox.queue}", ${concurrency} at a time`);
  }

  /** Graceful: takes no new job, waits for the handlers it runs and their outcome to be recorded. */
  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.stop();
  }
}
