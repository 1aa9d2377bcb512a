// Several endpoints in one Nest app (an account and a Connect endpoint, each with its own secret,
// store and path), handlers that pick one or take every one, the injection tokens per endpoint,
// and the checkout decorators. Nest 11 on both platforms, real apps on 127.0.0.1.
import { Inject, Injectable, Module } from '@nestjs/common';
import type Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import {
  getStripeWebhookHandlerToken,
  InjectStripeWebhookRouter,
  OnCheckoutAwaitingPayment,
  OnCheckoutPaid,
  OnCheckoutPaymentFailed,
  OnStripeEvent,
  STRIPE_WEBHOOK_HANDLER,
  StripeWebhookModule,
} from '../../src/entries/nest.js';
import type { WebhookHandler } from '../../src/handler/build-webhook-handler.js';
import type { WebhookRouter } from '../../src/router/create-webhook-router.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import type { WebhookContext } from '../../src/types.js';
import { paidCheckout, signedDelivery, testSecret } from '../support/deliveries.js';
import { nestSetups, startNestApp, type NestSetup, type RunningNestApp } from '../support/nest-app.js';
import { expectAnswer, send } from '../support/status-contract.js';

const connectSecret = 'whsec_connect_0a1b2c3d4e5f60718293a4b5c6d7e8f9';

@Injectable()
class Ledger {
  readonly lines: string[] = [];
}

@Injectable()
class Handlers {
  constructor(@Inject(Ledger) private readonly ledger: Ledger) {}

  @OnStripeEvent('checkout.session.completed')
  anyEndpoint(event: Stripe.CheckoutSessionCompletedEvent, ctx: WebhookContext) {
    this.ledger.lines.push(`any ${event.data.object.metadata?.orderId ?? ''} ${ctx.account ?? 'platform'}`);
  }

  @OnStripeEvent('checkout.session.completed', { endpoint: 'connect' })
  connectOnly(event: Stripe.CheckoutSessionCompletedEvent) {
    this.ledger.lines.push(`connect ${event.data.object.metadata?.orderId ?? ''}`);
  }
}

@Injectable()
class Fulfillment {
  constructor(@Inject(Ledger) private readonly ledger: Ledger) {}

  @OnCheckoutPaid()
  paid(session: Stripe.Checkout.Session, event: Stripe.Event, ctx: WebhookContext) {
    this.ledger.lines.push(`paid ${session.metadata?.orderId ?? ''} ${event.type} ${ctx.eventId === event.id}`);
  }

  @OnCheckoutAwaitingPayment()
  awaiting(session: Stripe.Checkout.Session) {
    this.ledger.lines.push(`awaiting ${session.metadata?.orderId ?? ''}`);
  }

  @OnCheckoutPaymentFailed()
  failed(session: Stripe.Checkout.Session) {
    this.ledger.lines.push(`failed ${session.metadata?.orderId ?? ''}`);
  }
}

/** Uses each endpoint's router through its own token. */
@Injectable()
class Alerts {
  readonly errors: string[] = [];
  constructor(@InjectStripeWebhookRouter() account: WebhookRouter, @InjectStripeWebhookRouter('connect') connect: WebhookRouter) {
    account.onError((_error, event) => void this.errors.push(`account ${event.type}`));
    connect.onError((_error, event) => void this.errors.push(`connect ${event.type}`));
  }

  @OnStripeEvent('invoice.payment_failed')
  failing() {
    throw new Error('mailer down');
  }
}

describe.each(nestSetups)('Nest 11, %s', (_label, setup: NestSetup) => {
  const running: RunningNestApp[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((one) => one.close()));
  });

  async function start(module: object) {
    const app = await startNestApp(module as never, setup, (nest) => nest.setGlobalPrefix('api'));
    running.push(app);
    return { ...app, ledger: app.app.get(Ledger) };
  }

  it('serves an account and a Connect endpoint, each with its own secret, store and path', async () => {
    @Module({
      imports: [
        StripeWebhookModule.forRoot({ secret: testSecret, path: 'stripe/account', store: memoryStore(), logger: false }),
        StripeWebhookModule.forRootAsync({ name: 'connect', path: 'stripe/connect', useFactory: () => ({ secret: connectSecret, store: memoryStore(), logger: false }) }),
      ],
      providers: [Ledger, Handlers, Alerts],
    })
    class TwoEndpoints {}
    const { origin, ledger, ...app } = await start(TwoEndpoints);

    const account = paidCheckout('o_account');
    expectAnswer(await send(`${origin}/api/stripe/account`, account), 200, { received: true }, account);
    const connect = signedDelivery('checkout.session.completed', { account: 'acct_123', data: { object: { metadata: { orderId: 'o_connect' } } } }, { secret: connectSecret });
    expectAnswer(await send(`${origin}/api/stripe/connect`, connect), 200, { received: true }, connect);
    // The Connect-only method ran for the Connect endpoint alone; the other for both.
    expect(ledger.lines[0]).toBe('any o_account platform');
    expect(ledger.lines.slice(1).sort()).toEqual(['any o_connect acct_123', 'connect o_connect']);

    // Each endpoint verifies with its own secret only, and deduplicates in its own store.
    expectAnswer(await send(`${origin}/api/stripe/account`, connect), 400, { error: 'no_matching_signature' }, connect);
    expectAnswer(await send(`${origin}/api/stripe/account`, account), 200, { received: true, duplicate: true }, account);

    // The tokens: the unnamed endpoint keeps the plain constant; a named one has its own.
    expect(app.app.get<WebhookHandler>(STRIPE_WEBHOOK_HANDLER)).not.toBe(app.app.get<WebhookHandler>(getStripeWebhookHandlerToken('connect')));
    expect(ledger.lines).toHaveLength(3);
    const failing = signedDelivery('invoice.payment_failed', undefined, { secret: connectSecret });
    expectAnswer(await send(`${origin}/api/stripe/connect`, failing), 500, { error: 'handler_failed' }, failing);
    expect(app.app.get(Alerts).errors).toEqual(['connect invoice.payment_failed']);
  });

  it('refuses the same endpoint name imported twice, at startup', async () => {
    @Module({
      imports: [
        StripeWebhookModule.forRoot({ name: 'connect', secret: testSecret, path: 'one', logger: false }),
        StripeWebhookModule.forRoot({ name: 'connect', secret: connectSecret, path: 'two', logger: false }),
      ],
      providers: [Ledger, Handlers],
    })
    class Twice {}
    await expect(start(Twice)).rejects.toThrow(/webhook endpoint "connect" is imported twice/);
  });

  it('runs the checkout decorators with (session, event, ctx), as the router helpers do', async () => {
    @Module({ imports: [StripeWebhookModule.forRoot({ secret: testSecret, logger: false })], providers: [Ledger, Fulfillment] })
    class Checkout {}
    const { origin, ledger } = await start(Checkout);
    const deliveries = [
      signedDelivery('checkout.session.completed', { data: { object: { payment_status: 'paid', metadata: { orderId: 'o_card' } } } }),
      signedDelivery('checkout.session.completed', { data: { object: { payment_status: 'unpaid', metadata: { orderId: 'o_debit' } } } }),
      signedDelivery('checkout.session.async_payment_succeeded', { data: { object: { payment_status: 'paid', metadata: { orderId: 'o_debit' } } } }),
      signedDelivery('checkout.session.async_payment_failed', { data: { object: { payment_status: 'unpaid', metadata: { orderId: 'o_bounced' } } } }),
    ];
    for (const delivery of deliveries) expectAnswer(await send(`${origin}/api/v1/webhook`, delivery), 200, { received: true }, delivery);
    expect(ledger.lines).toEqual([
      'paid o_card checkout.session.completed true',
      'awaiting o_debit',
      'paid o_debit checkout.session.async_payment_succeeded true',
      'failed o_bounced',
    ]);
  });
});
