import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { WebhookHandler } from '../../handler/build-webhook-handler.js';
import { mountWebhookRoute } from './mount-webhook-route.js';
import { resolvePath, type StripeWebhookModuleOptions } from './stripe-webhook-options.js';
import { STRIPE_WEBHOOK_HANDLER, STRIPE_WEBHOOK_OPTIONS } from './tokens.js';
import { whenHttpAdapterSet, type AdapterHostLike } from './when-http-adapter-set.js';

/**
 * Mounts the webhook route as soon as the HTTP adapter exists. Under `NestFactory.create` that is
 * while providers are being created, before `app.init()` registers Nest's body parsers and its
 * routes; under `@nestjs/testing` it is when `createNestApplication()` sets the adapter, again
 * before `init()`. Either way Nest's JSON parser does not get the webhook's body first.
 */
@Injectable()
export class StripeWebhookRoute implements OnModuleInit {
  private readonly path: string;
  private mounted = false;
  // Boxed, so that whatever was thrown (even `undefined`) is rethrown as it was.
  private failure: { error: unknown } | undefined;

  constructor(
    @Inject(HttpAdapterHost) private readonly host: AdapterHostLike,
    @Inject(STRIPE_WEBHOOK_HANDLER) private readonly handler: WebhookHandler,
    @Inject(STRIPE_WEBHOOK_OPTIONS) options: StripeWebhookModuleOptions,
  ) {
    // Checked here, so a bad path fails `NestFactory.create` rather than the first delivery.
    this.path = resolvePath(options.path);
    const mountSafely = () => {
      try {
        this.mount();
      } catch (error) {
        // Thrown inside Nest's subscriber or setter it would surface nowhere useful: `onModuleInit`
        // rethrows it.
        this.failure = { error };
      }
    };
    whenHttpAdapterSet(host, mountSafely);
  }

  onModuleInit(): void {
    if (this.failure) throw this.failure.error;
    // A host that got its adapter without telling (no known case) is mounted now, late: on
    // Express the JSON parser then runs first, so only `rawBody: true` keeps the bytes.
    this.mount();
    if (!this.mounted) {
      this.handler.logger.info('no HTTP server (application context): the webhook route is not mounted; inject STRIPE_WEBHOOK_HANDLER to answer deliveries yourself');
    }
  }

  private mount(): void {
    const adapter = this.host.httpAdapter;
    if (this.mounted || !adapter) return;
    mountWebhookRoute(adapter, this.path, this.handler);
    this.mounted = true;
    this.handler.logger.info(`webhook route mounted at ${this.path} (${adapter.getType()})`);
  }
}
