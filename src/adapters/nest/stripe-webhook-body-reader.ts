import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { expressRawBodyCapture, fastifyRawBodyCapture, restoreBodyHeaders } from './raw-body-capture.js';
import { STRIPE_WEBHOOK_ENDPOINT } from './tokens.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';

/** The parts of Nest's `HttpAdapterHost` and `AbstractHttpAdapter` used here (Nest 10 to 12). */
interface AdapterHostLike {
  httpAdapter?: { getType(): string; getInstance(): unknown; use(...handlers: unknown[]): unknown } | null;
  /** Nest 11+: emits once the adapter is set. */
  readonly init$?: { subscribe(next: () => void): unknown };
}

interface FastifyInstanceLike {
  initialConfig: { bodyLimit?: number };
  addHook(name: 'preParsing', hook: ReturnType<typeof fastifyRawBodyCapture>): unknown;
  addHook(name: 'preValidation', hook: typeof restoreBodyHeaders): unknown;
}

/**
 * Puts the webhook's raw-body capture on the platform, through its public API, as early as the
 * HTTP adapter is known: while `NestFactory.create()` builds the providers, or when
 * `@nestjs/testing`'s `createNestApplication()` sets the adapter (Nest 11+ announce it), or at
 * the latest in `onModuleInit`. On Express only the first two come before Nest's JSON parser; in
 * the last case (Nest 10 under `@nestjs/testing`) the route uses the `rawBody` Nest kept.
 */
@Injectable()
export class StripeWebhookBodyReader implements OnModuleInit {
  private installed = false;

  constructor(
    @Inject(HttpAdapterHost) private readonly host: AdapterHostLike,
    @Inject(STRIPE_WEBHOOK_ENDPOINT) private readonly endpoint: WebhookEndpoint,
  ) {
    if (host.httpAdapter) this.install();
    else host.init$?.subscribe(() => this.install());
  }

  onModuleInit(): void {
    this.install(true);
  }

  private install(late = false): void {
    const adapter = this.host.httpAdapter;
    if (this.installed || !adapter) return;
    this.installed = true;
    const platform = adapter.getType();
    if (platform === 'express') {
      adapter.use(expressRawBodyCapture(this.endpoint));
      if (late) {
        this.endpoint.handler.logger.warn(
          `${this.endpoint.label}: the HTTP adapter was set after the module's providers (an @nestjs/testing app on Nest 10), ` +
            'so Nest\'s JSON parser reads the webhook\'s body first: the route needs the app created with { rawBody: true }.',
        );
      }
    } else if (platform === 'fastify') {
      const fastify = adapter.getInstance() as FastifyInstanceLike;
      fastify.addHook('preParsing', fastifyRawBodyCapture(this.endpoint, fastify.initialConfig.bodyLimit));
      fastify.addHook('preValidation', restoreBodyHeaders);
    }
    // Another platform: the route reads what the platform's parsers left (`rawBody`).
  }
}
