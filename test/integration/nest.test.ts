// The Nest adapter on Nest 11, on the Express and Fastify platforms, with and without
// `{ rawBody: true }`: real apps on 127.0.0.1, signed deliveries sent with fetch.
import { Body, Controller, Inject, Injectable, Module, Post, Req, UseGuards, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import type Stripe from 'stripe';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { OnStripeEvent, StripeWebhookModule, STRIPE_WEBHOOK_ROUTER, type StripeWebhookModuleOptions } from '../../src/entries/nest.js';
import type { WebhookRouter } from '../../src/router/create-webhook-router.js';
import { NonRetryableError } from '../../src/router/non-retryable-error.js';
import { orderReference } from '../../src/router/order-reference.js';
import type { WebhookContext } from '../../src/types.js';
import { capturingLogger } from '../support/capturing-logger.js';
import { leakCheck, paidCheckout, signedDelivery, testSecret } from '../support/deliveries.js';
import { nestSetups, startContractApp, startNestApp, type NestSetup, type RunningNestApp } from '../support/nest-app.js';
import { reliabilityContract } from '../support/reliability-contract.js';
import { expectAnswer, send, statusContract } from '../support/status-contract.js';

/** What the app's services wrote: the handlers below reach it through Nest's DI. */
@Injectable()
class Ledger {
  readonly paid: string[] = [];
  readonly contexts: WebhookContext[] = [];
  readonly asyncOutcomes: string[] = [];
}

/** A provider as users write one: its handlers use an injected service through `this`. */
@Injectable()
class Orders {
  constructor(@Inject(Ledger) private readonly ledger: Ledger) {}

  @OnStripeEvent('checkout.session.completed')
  completed(event: Stripe.CheckoutSessionCompletedEvent, ctx: WebhookContext) {
    this.ledger.paid.push(orderReference(event.data.object));
    this.ledger.contexts.push(ctx);
  }

  @OnStripeEvent(['checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed'])
  async settled(event: Stripe.CheckoutSessionAsyncPaymentSucceededEvent | Stripe.CheckoutSessionAsyncPaymentFailedEvent) {
    this.ledger.asyncOutcomes.push(event.type);
  }

  @OnStripeEvent('charge.refunded')
  refunded() {
    throw new NonRetryableError('refund for an order this app never sold');
  }

  @OnStripeEvent('invoice.payment_failed')
  invoiceFailed() {
    throw new Error(`mailer down (secret ${testSecret})`);
  }
}

/** One of the app's own routes: it must keep Nest's JSON parsing (and its raw copy when asked). */
@Controller('echo')
class EchoController {
  @Post()
  echo(@Body() body: unknown, @Req() request: { rawBody?: unknown }) {
    return { parsed: body, rawBody: request.rawBody instanceof Uint8Array };
  }
}

function appModule(options: StripeWebhookModuleOptions) {
  @Module({ imports: [StripeWebhookModule.forRoot(options)], controllers: [EchoController], providers: [Ledger, Orders] })
  class AppModule {}
  return AppModule;
}

const postJson = async (url: string, value: unknown) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
  return { status: response.status, json: (await response.json()) as unknown };
};

describe.each(nestSetups)('Nest 11, %s', (_label, setup: NestSetup) => {
  describe('status contract', () => {
    statusContract(startContractApp(setup));
  });

  describe('reliability rows (docs/reliability.md), over a real socket', () => {
    reliabilityContract(startContractApp(setup));
  });

  describe('in an app', () => {
    const running: RunningNestApp[] = [];
    afterEach(async () => {
      await Promise.all(running.splice(0).map((one) => one.close()));
    });

    async function start(options: Partial<StripeWebhookModuleOptions> = {}, configure?: (app: INestApplication) => void) {
      const { logger, lines } = capturingLogger();
      const app = await startNestApp(appModule({ secret: testSecret, logger, ...options }), setup, configure);
      running.push(app);
      return { ...app, ledger: app.app.get(Ledger), lines };
    }

    it('runs a decorated method on its provider, with its injected service and the context', async () => {
      const { origin, ledger } = await start();
      const delivery = paidCheckout('o_di');
      expectAnswer(await send(`${origin}/v1/webhook`, delivery), 200, { received: true }, delivery);
      expect(ledger.paid).toEqual(['o_di']);
      expect(ledger.contexts).toEqual([expect.objectContaining({ eventId: delivery.event.id, type: 'checkout.session.completed', livemode: false })]);
    });

    it('routes every type of an array to the method', async () => {
      const { origin, ledger } = await start();
      for (const type of ['checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed'] as const) {
        const delivery = signedDelivery(type);
        expectAnswer(await send(`${origin}/v1/webhook`, delivery), 200, { received: true }, delivery);
      }
      expect(ledger.asyncOutcomes).toEqual(['checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed']);
    });

    it('answers a redelivery as a duplicate, without running the method again', async () => {
      const { origin, ledger } = await start();
      const delivery = paidCheckout('o_twice');
      expectAnswer(await send(`${origin}/v1/webhook`, delivery), 200, { received: true }, delivery);
      expectAnswer(await send(`${origin}/v1/webhook`, delivery), 200, { received: true, duplicate: true }, delivery);
      expect(ledger.paid).toEqual(['o_twice']);
    });

    it('200 discarded for a NonRetryableError, 500 handler_failed for any other error, with nothing of either message', async () => {
      const { origin, lines } = await start();
      const refund = signedDelivery('charge.refunded');
      const discarded = await send(`${origin}/v1/webhook`, refund);
      expectAnswer(discarded, 200, { received: true, discarded: true }, refund);
      expect(discarded.body).not.toContain('never sold');
      const invoice = signedDelivery('invoice.payment_failed');
      const failed = await send(`${origin}/v1/webhook`, invoice);
      expectAnswer(failed, 500, { error: 'handler_failed' }, invoice);
      expect(failed.body).not.toContain('mailer down');
      expect(lines).toContainEqual(expect.objectContaining({ level: 'error', details: expect.objectContaining({ eventId: invoice.event.id }) }));
    });

    it('answers 405 to GET and 400 to an unsigned POST, never Nest\'s 404 or 201', async () => {
      const { origin } = await start();
      const get = await send(`${origin}/v1/webhook`, { body: '', headers: {} as never }, { method: 'GET', body: null });
      expectAnswer(get, 405, { error: 'method_not_allowed' });
      const delivery = paidCheckout('o_1');
      expectAnswer(await send(`${origin}/v1/webhook`, { ...delivery, headers: { 'content-type': 'application/json' } as never }), 400, { error: 'missing_signature' }, delivery);
    });

    it('answers 405 with Allow: POST to every method Nest routes, WebDAV\'s included, never Nest\'s 404', async () => {
      const { origin } = await start();
      for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'SEARCH', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK']) {
        const answer = await send(`${origin}/v1/webhook`, paidCheckout('o_1'), { method });
        expect({ method, status: answer.status, allow: answer.headers.get('allow'), body: answer.body }).toEqual({ method, status: 405, allow: 'POST', body: '{"error":"method_not_allowed"}' });
      }
      // HEAD goes to the GET route on both platforms: the status, without a body.
      const head = await fetch(`${origin}/v1/webhook`, { method: 'HEAD' });
      expect({ status: head.status, allow: head.headers.get('allow') }).toEqual({ status: 405, allow: 'POST' });
    });

    it('verifies a delivery whose Content-Type the app cannot parse; guards see the headers as sent, and the bytes as rawBody', async () => {
      const seen: unknown[] = [];
      @Injectable()
      class ContentTypeGuard implements CanActivate {
        canActivate(context: ExecutionContext): boolean {
          const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown>; rawBody?: unknown }>();
          const rawBody = Buffer.isBuffer(request.rawBody) ? request.rawBody.toString('utf8') : request.rawBody;
          seen.push({ type: request.headers['content-type'], length: request.headers['content-length'], rawBody });
          return true;
        }
      }
      const { origin, ledger } = await start({ decorators: [UseGuards(ContentTypeGuard)] });
      const expected: unknown[] = [];
      for (const [orderId, type] of [['o_semicolons', ';;;'], ['o_xml', 'text/xml'], ['o_json', 'application/json']] as const) {
        const delivery = paidCheckout(orderId);
        expectAnswer(await send(`${origin}/v1/webhook`, { body: delivery.body, headers: { ...delivery.headers, 'content-type': type } }), 200, { received: true }, delivery);
        expected.push({ type, length: String(Buffer.byteLength(delivery.body)), rawBody: delivery.body });
      }
      expect(ledger.paid).toEqual(['o_semicolons', 'o_xml', 'o_json']);
      expect(seen).toEqual(expected);
    });

    it('takes a configurable path, with or without its leading slash', async () => {
      for (const path of ['stripe/events', '/hooks/stripe']) {
        const { origin, ledger } = await start({ path });
        const delivery = paidCheckout(`o_${path}`);
        expectAnswer(await send(`${origin}/${path.replace(/^\//, '')}`, delivery), 200, { received: true }, delivery);
        expect(ledger.paid).toEqual([`o_${path}`]);
        expect((await send(`${origin}/v1/webhook`, paidCheckout('o_elsewhere'))).status).toBe(404);
      }
    });

    it('413 over maxBodyBytes, and a 200 KB event within the default, past Nest\'s 100 KB JSON limit', async () => {
      const big = () => signedDelivery('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_big', note: 'x'.repeat(200_000) } } } });
      const small = await start({ maxBodyBytes: 16_384 });
      const tooLarge = big();
      expectAnswer(await send(`${small.origin}/v1/webhook`, tooLarge), 413, { error: 'payload_too_large' }, tooLarge);
      expect(small.ledger.paid).toEqual([]);
      const roomy = await start();
      const delivery = big();
      expectAnswer(await send(`${roomy.origin}/v1/webhook`, delivery), 200, { received: true }, delivery);
      expect(roomy.ledger.paid).toEqual(['o_big']);
    });

    it('leaves the app\'s other routes on Nest\'s JSON parser, with req.rawBody exactly when rawBody is on', async () => {
      const { origin } = await start();
      expectAnswer(await send(`${origin}/v1/webhook`, paidCheckout('o_1')), 200, { received: true });
      // 201: Nest's default for a POST route, which the webhook never answers.
      expect(await postJson(`${origin}/echo`, { a: 1 })).toEqual({ status: 201, json: { parsed: { a: 1 }, rawBody: setup.rawBody } });
    });

    it('goes under app.setGlobalPrefix(), as any controller does', async () => {
      const { origin, ledger } = await start({}, (app) => app.setGlobalPrefix('api'));
      const delivery = paidCheckout('o_prefixed');
      expectAnswer(await send(`${origin}/api/v1/webhook`, delivery), 200, { received: true }, delivery);
      expect(ledger.paid).toEqual(['o_prefixed']);
      expect((await send(`${origin}/v1/webhook`, paidCheckout('o_2'))).status).toBe(404);
      expect(await postJson(`${origin}/api/echo`, { a: 2 })).toEqual({ status: 201, json: { parsed: { a: 2 }, rawBody: setup.rawBody } });
    });

    it('still gets the raw body when main.ts adds a JSON parser with useBodyParser()', async () => {
      const { origin, ledger } = await start({}, (app) => {
        // Express names the parser, Fastify the content type; each takes its own limit option.
        type ParseJson = (request: unknown, body: Buffer, done: (error: null, value: unknown) => void) => void;
        const parser = app as INestApplication & { useBodyParser(type: string, options: object, parse?: ParseJson): unknown };
        if (setup.platform === 'express') parser.useBodyParser('json', { limit: '2mb' });
        else parser.useBodyParser('application/json', { bodyLimit: 2_000_000 }, (_request, body, done) => done(null, JSON.parse(body.toString('utf8')) as unknown));
      });
      const delivery = paidCheckout('o_custom_parser');
      expectAnswer(await send(`${origin}/v1/webhook`, delivery), 200, { received: true }, delivery);
      expect(ledger.paid).toEqual(['o_custom_parser']);
      expect(await postJson(`${origin}/echo`, { a: 3 })).toMatchObject({ status: 201, json: { parsed: { a: 3 } } });
    });

    it('lets a provider add onError to the injected router', async () => {
      const seen: string[] = [];
      @Injectable()
      class Alerts {
        constructor(@Inject(STRIPE_WEBHOOK_ROUTER) router: WebhookRouter) {
          router.onError((error, event) => {
            seen.push(`${event.type}: ${error.errors.length}`);
          });
        }
      }
      @Module({ imports: [StripeWebhookModule.forRoot({ secret: testSecret, logger: false })], providers: [Ledger, Orders, Alerts] })
      class AlertingModule {}
      const app = await startNestApp(AlertingModule, setup);
      running.push(app);
      expectAnswer(await send(`${app.origin}/v1/webhook`, signedDelivery('invoice.payment_failed')), 500, { error: 'handler_failed' });
      expect(seen).toEqual(['invoice.payment_failed: 1']);
    });

    it('forRootAsync: options from an injected config provider, its path and the factory\'s secret', async () => {
      class StripeConfig {
        constructor(readonly webhookSecret: string) {}
      }
      @Module({ providers: [{ provide: StripeConfig, useFactory: async () => new StripeConfig(testSecret) }], exports: [StripeConfig] })
      class ConfigModule {}
      @Module({
        imports: [
          StripeWebhookModule.forRootAsync({
            imports: [ConfigModule],
            inject: [StripeConfig],
            useFactory: async (config: StripeConfig) => ({ secret: config.webhookSecret, logger: false, path: 'ignored/by/the/outer/path' }),
            path: 'config/webhook',
          }),
        ],
        providers: [Ledger, Orders],
      })
      class AsyncModule {}
      const app = await startNestApp(AsyncModule, setup);
      running.push(app);
      const delivery = paidCheckout('o_async');
      expectAnswer(await send(`${app.origin}/config/webhook`, delivery), 200, { received: true }, delivery);
      expect(app.app.get(Ledger).paid).toEqual(['o_async']);
      const wrongSecret = paidCheckout('o_wrong', { secret: 'whsec_not_the_configured_one' });
      expectAnswer(await send(`${app.origin}/config/webhook`, wrongSecret), 400, { error: 'no_matching_signature' }, wrongSecret);
    });
  });
});

describe('Nest 11, fastify, app.inject() without a socket (as Nest e2e tests do)', () => {
  it.each([false, true])('answers per the contract with rawBody %s', async (rawBody) => {
    const app = await NestFactory.create<NestFastifyApplication>(appModule({ secret: testSecret, logger: false }), new FastifyAdapter(), { rawBody, logger: false, abortOnError: false });
    try {
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      const delivery = paidCheckout('o_injected');
      const inject = async (method: 'POST' | 'GET') => {
        const response = await app.inject({ method, url: '/v1/webhook', headers: delivery.headers, ...(method === 'POST' ? { payload: delivery.body } : {}) });
        leakCheck(response.body, delivery);
        return { status: response.statusCode, json: response.json() as unknown };
      };
      expect(await inject('POST')).toEqual({ status: 200, json: { received: true } });
      expect(await inject('POST')).toEqual({ status: 200, json: { received: true, duplicate: true } });
      expect(await inject('GET')).toEqual({ status: 405, json: { error: 'method_not_allowed' } });
      expect(app.get(Ledger).paid).toEqual(['o_injected']);
    } finally {
      await app.close();
    }
  });
});
