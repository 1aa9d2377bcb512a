// The module's options, its logger, and where it mounts (or does not mount) the route.
import { Injectable, Module, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { mountWebhookRoute } from '../../../../src/adapters/nest/mount-webhook-route.js';
import { OnStripeEvent, StripeWebhookModule, STRIPE_WEBHOOK_HANDLER, STRIPE_WEBHOOK_ROUTER, type StripeWebhookModuleOptions } from '../../../../src/adapters/nest/index.js';
import type { WebhookHandler } from '../../../../src/handler/build-webhook-handler.js';
import { createWebhookHandler } from '../../../../src/handler/create-webhook-handler.js';
import { createWebhookRouter, type WebhookRouter } from '../../../../src/router/create-webhook-router.js';
import { paidCheckout, testSecret } from '../../../support/deliveries.js';
import { startNestApp } from '../../../support/nest-app.js';

@Injectable()
class Orders {
  readonly paid: string[] = [];
  @OnStripeEvent('checkout.session.completed')
  completed() {
    this.paid.push('paid');
  }
}

function appModule(options: StripeWebhookModuleOptions) {
  @Module({ imports: [StripeWebhookModule.forRoot(options)], providers: [Orders] })
  class AppModule {}
  return AppModule;
}

/** A Nest logger that keeps each line with the context Nest gave it. */
function nestLines() {
  const lines: string[] = [];
  const keep = (level: string) => (message: unknown, ...rest: unknown[]) => lines.push(`${level} [${String(rest.at(-1))}] ${String(message)}`);
  const logger: LoggerService = { log: keep('log'), warn: keep('warn'), error: keep('error') };
  return { logger, lines };
}

describe('StripeWebhookModule', () => {
  it('logs through Nest\'s logger by default, under the StripeWebhook context', async () => {
    const { logger, lines } = nestLines();
    const app = await NestFactory.createApplicationContext(appModule({ secret: testSecret }), { logger, abortOnError: false });
    await app.close();
    expect(lines).toContain('log [StripeWebhook] checkout.session.completed -> Orders.completed');
  });

  it('answers through the injected handler in an application context, where it mounts no route', async () => {
    const { logger, lines } = nestLines();
    const app = await NestFactory.createApplicationContext(appModule({ secret: testSecret }), { logger, abortOnError: false });
    try {
      const delivery = paidCheckout('o_1');
      const answer = await app.get<WebhookHandler>(STRIPE_WEBHOOK_HANDLER).handle({ method: 'POST', headers: delivery.headers, body: delivery.body });
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: '{"received":true}' });
      expect(app.get(Orders).paid).toEqual(['paid']);
      expect(lines.some((line) => line.includes('the webhook route is not mounted; inject STRIPE_WEBHOOK_HANDLER'))).toBe(true);
      expect(app.get<WebhookRouter>(STRIPE_WEBHOOK_ROUTER).eventTypes).toEqual(new Set(['checkout.session.completed']));
    } finally {
      await app.close();
    }
  });

  it.each([
    ['an empty path', { path: '' }, /`path` must be a non-empty path/],
    ['a path of slashes', { path: '//' }, /`path` must be a non-empty path/],
    ['a path with spaces around it', { path: ' v1/webhook' }, /`path` must be a non-empty path/],
    ['a maxBodyBytes that is not positive', { maxBodyBytes: 0 }, /maxBodyBytes must be a positive number/],
  ])('fails NestFactory.create for %s', async (_what, options, message) => {
    await expect(startNestApp(appModule({ secret: testSecret, logger: false, ...options }), { platform: 'express', rawBody: false })).rejects.toThrow(message);
  });

  it('refuses forRootAsync without a factory, saying what to pass', () => {
    expect(() => StripeWebhookModule.forRootAsync({} as never)).toThrow(/pass `useFactory`/);
  });

  it('names the supported platforms when the app runs on another one', () => {
    const handler = createWebhookHandler({ secret: testSecret, router: createWebhookRouter(), logger: false });
    const koa = { getType: () => 'koa', getInstance: () => ({}) };
    expect(() => mountWebhookRoute(koa, '/v1/webhook', handler)).toThrow(/"koa" platform is not supported \(Express and Fastify are\)\. Inject STRIPE_WEBHOOK_HANDLER/);
  });
});
