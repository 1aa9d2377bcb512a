// The module's options, its logger, and where it mounts (or does not mount) the route.
import { ConsoleLogger, Injectable, Logger, Module, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { OnStripeEvent, StripeWebhookModule, STRIPE_WEBHOOK_HANDLER, STRIPE_WEBHOOK_ROUTER, type StripeWebhookModuleOptions } from '../../../src/entries/nest.js';
import type { WebhookHandler } from '../../../src/handler/build-webhook-handler.js';
import { resolveModuleHandler } from '../../../src/adapters/nest/stripe-webhook-options.js';
import { createWebhookHandler } from '../../../src/handler/create-webhook-handler.js';
import { createWebhookRouter, type WebhookRouter } from '../../../src/router/create-webhook-router.js';
import { paidCheckout, testSecret } from '../../support/deliveries.js';
import { startNestApp } from '../../support/nest-app.js';

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

function asyncModule(options: StripeWebhookModuleOptions) {
  @Module({ imports: [StripeWebhookModule.forRootAsync({ useFactory: () => options })], providers: [Orders] })
  class AsyncModule {}
  return AsyncModule;
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

  it('answers through the injected handler in an application context, which has no HTTP server', async () => {
    const app = await NestFactory.createApplicationContext(appModule({ secret: testSecret, logger: false }), { logger: false, abortOnError: false });
    try {
      const delivery = paidCheckout('o_1');
      const answer = await app.get<WebhookHandler>(STRIPE_WEBHOOK_HANDLER).handle({ method: 'POST', headers: delivery.headers, body: delivery.body });
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: '{"received":true}' });
      expect(app.get(Orders).paid).toEqual(['paid']);
      expect(app.get<WebhookRouter>(STRIPE_WEBHOOK_ROUTER).eventTypes).toEqual(new Set(['checkout.session.completed']));
    } finally {
      await app.close();
    }
  });

  it.each([
    ['an empty path', { path: '' }, /^StripeWebhookModule\.forRoot: `path` must be a non-empty path/],
    ['a path of slashes', { path: '//' }, /^StripeWebhookModule\.forRoot: `path` must be a non-empty path/],
    ['a path with spaces around it', { path: ' v1/webhook' }, /^StripeWebhookModule\.forRoot: `path` must be a non-empty path/],
    ['a path with a parameter', { path: 'webhooks/:account' }, /without parameters or wildcards/],
    ['a name that is not a word', { name: 'my endpoint' }, /`name` must be a word/],
    ['decorators that are not functions', { decorators: ['UseGuards'] }, /`decorators` must be an array of method decorators/],
  ])('refuses %s where the module is imported', (_what, options, message) => {
    expect(() => StripeWebhookModule.forRoot({ secret: testSecret, ...(options as object) })).toThrow(message);
  });

  it.each([
    ['a maxBodyBytes that is not positive', appModule({ secret: testSecret, logger: false, maxBodyBytes: 0 }), /`maxBodyBytes` must be a positive number/],
    ['a path made by forRootAsync\'s factory that is not literal', asyncModule({ secret: testSecret, logger: false, path: 'hooks/*' }), /^StripeWebhookModule\.forRootAsync: `path` must be a literal path.*without parameters or wildcards/],
  ])('fails NestFactory.create for %s', async (_what, module, message) => {
    await expect(startNestApp(module, { platform: 'express', rawBody: false })).rejects.toThrow(message);
  });

  it('resolves the handler through the shared resolver: route options left out, handler options kept, the module\'s router always', async () => {
    const routed: string[] = [];
    const router = createWebhookRouter().onCheckoutPaid(() => void routed.push('module router'));
    const elsewhere = createWebhookRouter().onCheckoutPaid(() => void routed.push('a router passed in options'));
    const options = { secret: testSecret, logger: false as const, maxBodyBytes: 123_456, name: 'connect', path: 'connect/webhook', decorators: [], router: elsewhere } as StripeWebhookModuleOptions;
    const handler = resolveModuleHandler(options, router, 'StripeWebhookModule.forRoot');
    expect(handler.maxBodyBytes).toBe(123_456);
    const delivery = paidCheckout('o_1');
    expect((await handler.handle({ method: 'POST', headers: delivery.headers, body: delivery.body })).status).toBe(200);
    expect(routed).toEqual(['module router']);
  });

  it('keeps Nest\'s logger for `logger: undefined`, as for no logger', () => {
    const handler = resolveModuleHandler({ secret: testSecret, logger: undefined }, createWebhookRouter(), 'StripeWebhookModule.forRoot');
    const { logger, lines } = nestLines();
    Logger.overrideLogger(logger);
    try {
      handler.logger.warn('through Nest');
    } finally {
      Logger.overrideLogger(new ConsoleLogger());
    }
    expect(lines).toContain('warn [StripeWebhook] through Nest');
  });

  it.each([
    ['a handler', () => createWebhookHandler({ secret: testSecret, router: createWebhookRouter() })],
    ['{ handler }', () => ({ handler: createWebhookHandler({ secret: testSecret, router: createWebhookRouter() }) })],
  ])('refuses %s, naming the entry point and what to pass instead', (_what, options) => {
    expect(() => resolveModuleHandler(options() as never, createWebhookRouter(), 'StripeWebhookModule.forRootAsync')).toThrow(
      /^StripeWebhookModule\.forRootAsync: the module builds the endpoint's handler itself.*pass the handler's options/,
    );
  });

  it('refuses options that are not an object, naming forRoot', () => {
    expect(() => resolveModuleHandler(null as never, createWebhookRouter(), 'StripeWebhookModule.forRoot')).toThrow(/^StripeWebhookModule\.forRoot: pass options with at least `secret`/);
  });

  it('refuses forRootAsync without a factory, saying what to pass', () => {
    expect(() => StripeWebhookModule.forRootAsync({} as never)).toThrow(/pass `useFactory`/);
  });
});
