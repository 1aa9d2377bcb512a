// The module's options, its logger, and where it mounts (or does not mount) the route.
import { Injectable, Module, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { OnStripeEvent, StripeWebhookModule, STRIPE_WEBHOOK_HANDLER, STRIPE_WEBHOOK_ROUTER, type StripeWebhookModuleOptions } from '../../../../src/adapters/nest/index.js';
import type { WebhookHandler } from '../../../../src/handler/build-webhook-handler.js';
import { toHandlerOptions } from '../../../../src/adapters/nest/stripe-webhook-options.js';
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
    ['an empty path', { path: '' }, /`path` must be a literal path/],
    ['a path of slashes', { path: '//' }, /`path` must be a literal path/],
    ['a path with spaces around it', { path: ' v1/webhook' }, /`path` must be a literal path/],
    ['a path with a parameter', { path: 'webhooks/:account' }, /without parameters or wildcards/],
    ['a name that is not a word', { name: 'my endpoint' }, /`name` must be a word/],
    ['decorators that are not functions', { decorators: ['UseGuards'] }, /`decorators` must be an array of method decorators/],
  ])('refuses %s where the module is imported', (_what, options, message) => {
    expect(() => StripeWebhookModule.forRoot({ secret: testSecret, ...(options as object) })).toThrow(message);
  });

  it.each([
    ['a maxBodyBytes that is not positive', appModule({ secret: testSecret, logger: false, maxBodyBytes: 0 }), /maxBodyBytes must be a positive number/],
    ['a path made by forRootAsync\'s factory that is not literal', asyncModule({ secret: testSecret, logger: false, path: 'hooks/*' }), /without parameters or wildcards/],
  ])('fails NestFactory.create for %s', async (_what, module, message) => {
    await expect(startNestApp(module, { platform: 'express', rawBody: false })).rejects.toThrow(message);
  });

  it('passes every handler option on untouched, less its own route options (so `inbox` works once the handler has it)', () => {
    const router = createWebhookRouter();
    const inbox = { any: 'handler option the module does not know' };
    const options = { secret: testSecret, logger: false as const, name: 'connect', path: 'connect/webhook', decorators: [], inbox } as unknown as StripeWebhookModuleOptions;
    expect(toHandlerOptions(options, router)).toEqual({ secret: testSecret, logger: false, router, inbox });
  });

  it('refuses forRootAsync without a factory, saying what to pass', () => {
    expect(() => StripeWebhookModule.forRootAsync({} as never)).toThrow(/pass `useFactory`/);
  });
});
