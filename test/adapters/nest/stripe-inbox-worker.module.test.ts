// StripeInboxWorkerModule: its options fail where they are written, and in an application context
// (no HTTP server) it runs the decorated methods on the inbox's events, pg-boss on PGlite.
import { Inject, Injectable, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { OnCheckoutPaid, OnStripeEvent, StripeInboxWorkerModule, StripeWebhookModule, type StripeInboxWorkerModuleOptions } from '../../../src/entries/nest.js';
import { pgBossInbox } from '../../../src/inbox/pg-boss/pg-boss-inbox.js';
import type { Inbox } from '../../../src/inbox/types.js';
import { createTestEvent } from '../../../src/testing/create-test-event.js';
import { statusOf } from '../../support/inbox-contract.js';
import { startPgBossOnPglite, type PgBossSetup } from '../../support/pg-boss-engines.js';
import { capturingLogger } from '../../support/capturing-logger.js';
import { paidCheckout, testSecret } from '../../support/deliveries.js';
import { startNestApp } from '../../support/nest-app.js';
import { expectAnswer, send } from '../../support/status-contract.js';

const LEDGER = 'LEDGER';

@Injectable()
class Shipping {
  constructor(@Inject(LEDGER) private readonly ledger: string[]) {}

  @OnCheckoutPaid()
  ship(session: Stripe.Checkout.Session) {
    this.ledger.push(`ship ${session.metadata?.orderId ?? '?'}`);
  }

  @OnStripeEvent('charge.refunded', { endpoint: 'connect' })
  connectRefund(event: Stripe.ChargeRefundedEvent) {
    this.ledger.push(`connect refund ${event.data.object.id}`);
  }

  @OnStripeEvent('charge.refunded', { endpoint: 'billing' })
  billingRefund() {
    this.ledger.push('billing refund');
  }
}

function workerModule(imported: ReturnType<typeof StripeInboxWorkerModule.forRoot> | ReturnType<typeof StripeInboxWorkerModule.forRoot>[], ledger: string[] = []): Type {
  @Module({ imports: [imported].flat(), providers: [Shipping, { provide: LEDGER, useValue: ledger }] })
  class WorkerModule {}
  return WorkerModule;
}

describe('StripeInboxWorkerModule options', () => {
  const inbox = { consume() {} } as unknown as Inbox;

  it.each([
    ['no options', undefined, /StripeInboxWorkerModule\.forRoot: `inbox` must be the same inbox as the webhook's/],
    ['no inbox', {}, /pgBossInbox from "stripe-webhook-kit\/pg-boss"/],
    ['a handler instead of an inbox', { inbox: { handle() {} } }, /`inbox` must be the same inbox/],
    ['a concurrency of 0', { inbox, concurrency: 0 }, /`concurrency` must be a positive integer; got 0\./],
    ['a fractional concurrency', { inbox, concurrency: 1.5 }, /must be a positive integer/],
    ['an endpoint that is not a name', { inbox, endpoint: 'a b' }, /`endpoint` must be the `name` given to StripeWebhookModule\.forRoot/],
  ])('forRoot refuses %s where it is imported', (_label, options, message) => {
    expect(() => StripeInboxWorkerModule.forRoot(options as StripeInboxWorkerModuleOptions)).toThrow(message);
  });

  it('forRootAsync needs useFactory, and a factory without an inbox fails the application context at startup', async () => {
    expect(() => StripeInboxWorkerModule.forRootAsync({} as never)).toThrow(/StripeInboxWorkerModule\.forRootAsync: pass `useFactory`/);
    const imported = StripeInboxWorkerModule.forRootAsync({ useFactory: () => ({}) as StripeInboxWorkerModuleOptions });
    await expect(NestFactory.createApplicationContext(workerModule(imported), { logger: false, abortOnError: false })).rejects.toThrow(
      /StripeInboxWorkerModule\.forRootAsync: `inbox` must be the same inbox/,
    );
  });
});

describe('StripeInboxWorkerModule in an application context, on pg-boss and PGlite', () => {
  let setup: PgBossSetup | undefined;
  afterEach(async () => {
    await setup?.close();
    setup = undefined;
  });

  it('runs the methods for its endpoint (and those for every endpoint), and logs which', async () => {
    setup = await startPgBossOnPglite();
    const inbox = pgBossInbox(setup.boss, { db: setup.db, queue: 'nest-context', pollingIntervalSeconds: 0.5 });
    const { logger, lines } = capturingLogger();
    const ledger: string[] = [];
    const app = await NestFactory.createApplicationContext(workerModule(StripeInboxWorkerModule.forRoot({ inbox, endpoint: 'connect', concurrency: 2, logger }), ledger), {
      logger: false,
    });
    const paid = createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_ctx' }, payment_status: 'paid' } } });
    const refund = createTestEvent('charge.refunded', { data: { object: { id: 'ch_ctx' } } });
    expect(await inbox.enqueue(paid)).toBe('queued');
    expect(await inbox.enqueue(refund)).toBe('queued');
    await statusOf(inbox, paid.id, 'done');
    await statusOf(inbox, refund.id, 'done');
    await app.close();
    expect(ledger.sort()).toEqual(['connect refund ch_ctx', 'ship o_ctx']);
    expect(lines.map((line) => line.message)).toEqual(
      expect.arrayContaining([
        'onCheckoutPaid -> Shipping.ship (inbox worker of endpoint "connect")',
        'charge.refunded -> Shipping.connectRefund (inbox worker of endpoint "connect")',
        'inbox worker of endpoint "connect" takes jobs from pg-boss queue "nest-context", 2 at a time',
      ]),
    );
    expect(lines.map((line) => line.message).join('\n')).not.toContain('billingRefund');
  });

  it('one HTTP app can be both: the route stores the event, the worker module in the same app runs the methods', async () => {
    setup = await startPgBossOnPglite();
    const inbox = pgBossInbox(setup.boss, { db: setup.db, queue: 'nest-both', pollingIntervalSeconds: 0.5 });
    const ledger: string[] = [];
    const both = workerModule([StripeWebhookModule.forRoot({ secret: testSecret, inbox, logger: false }), StripeInboxWorkerModule.forRoot({ inbox, logger: false })], ledger);
    const app = await startNestApp(both, { platform: 'express', rawBody: false });
    try {
      const delivery = paidCheckout('o_both');
      expectAnswer(await send(`${app.origin}/v1/webhook`, delivery), 200, { received: true, queued: true }, delivery);
      await statusOf(inbox, delivery.event.id, 'done');
      expect(ledger).toEqual(['ship o_both']);
    } finally {
      await app.close();
    }
  });
});
