import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { bindDecoratedHandlers } from './bind-decorated-handlers.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';
import { getStripeWebhookHandlerToken, STRIPE_WEBHOOK_ENDPOINT } from './tokens.js';

/**
 * Finds the kit's decorated methods on every provider and controller of the app, once all of
 * them exist, and routes this endpoint's events to those that are for it (no `endpoint`, or its
 * name). No delivery can arrive before `app.init()` has run this.
 */
@Injectable()
export class StripeWebhookExplorer implements OnModuleInit {
  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(STRIPE_WEBHOOK_ENDPOINT) private readonly endpoint: WebhookEndpoint,
  ) {}

  onModuleInit(): void {
    const { name, router, handler, label, inbox } = this.endpoint;
    if (this.discovery.getProviders().filter((wrapper) => wrapper.token === getStripeWebhookHandlerToken(name)).length > 1) {
      throw new Error(
        `StripeWebhookModule: the ${label} is imported twice. Import forRoot/forRootAsync once per endpoint, and give each endpoint its own \`name\` (e.g. "connect").`,
      );
    }
    if (inbox) {
      // Bound here, the methods would be listed as running on each delivery, which they do not.
      handler.logger.info(`the ${label} stores events in the ${inbox.engine} inbox (queue "${inbox.queue}"); StripeInboxWorkerModule runs the decorated methods`);
      return;
    }
    bindDecoratedHandlers(this.discovery, this.scanner, { name, label, router, logger: handler.logger });
  }
}
