// Discovery of @OnStripeEvent methods across an app's modules, in an application context (the
// HTTP route is the integration tests' concern): deliveries go through the injected handler.
import { Controller, Inject, Injectable, Module, Scope, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { OnStripeEvent, StripeWebhookModule, STRIPE_WEBHOOK_HANDLER } from '../../../src/entries/nest.js';
import type { WebhookHandler } from '../../../src/handler/build-webhook-handler.js';
import { capturingLogger } from '../../support/capturing-logger.js';
import { paidCheckout, signedDelivery, testSecret, type Delivery } from '../../support/deliveries.js';

const calls: string[] = [];
const contexts: { close(): Promise<void> }[] = [];
afterEach(async () => {
  calls.length = 0;
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function boot(providers: Type[], options: { imports?: Type[]; controllers?: Type[] } = {}) {
  const { logger, lines } = capturingLogger();
  @Module({ imports: [StripeWebhookModule.forRoot({ secret: testSecret, logger }), ...(options.imports ?? [])], providers, controllers: options.controllers ?? [] })
  class AppModule {}
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  contexts.push(app);
  const handler = app.get<WebhookHandler>(STRIPE_WEBHOOK_HANDLER);
  const deliver = async (delivery: Delivery) => {
    const answer = await handler.handle({ method: 'POST', headers: delivery.headers, body: delivery.body });
    return { status: answer.status, body: JSON.parse(answer.body) as unknown };
  };
  return { app, deliver, lines };
}

@Injectable()
class Counter {
  readonly name = 'counter';
}

describe('StripeWebhookExplorer', () => {
  it('finds methods on providers and controllers in any module, inherited ones included, each bound to its instance', async () => {
    class BaseHandlers {
      protected readonly who: string = 'base';
      @OnStripeEvent('customer.created')
      created() {
        calls.push(`created by ${this.who}`);
      }
    }
    @Injectable()
    class Derived extends BaseHandlers {
      protected override readonly who = 'derived';
    }
    @Controller()
    class Billing {
      constructor(@Inject(Counter) private readonly counter: Counter) {}
      @OnStripeEvent('invoice.paid')
      paid(event: Stripe.InvoicePaidEvent) {
        calls.push(`${event.type} with ${this.counter.name}`);
      }
    }
    @Module({ providers: [Derived, Counter], controllers: [Billing] })
    class FeatureModule {}
    const { deliver } = await boot([], { imports: [FeatureModule] });
    expect(await deliver(signedDelivery('customer.created'))).toEqual({ status: 200, body: { received: true } });
    expect(await deliver(signedDelivery('invoice.paid'))).toEqual({ status: 200, body: { received: true } });
    expect(calls).toEqual(['created by derived', 'invoice.paid with counter']);
  });

  it('runs a provider once when another token aliases it (useExisting)', async () => {
    @Injectable()
    class Fulfilment {
      @OnStripeEvent('checkout.session.completed')
      fulfil() {
        calls.push('fulfil');
      }
    }
    @Module({ providers: [Fulfilment, { provide: 'FULFILMENT_ALIAS', useExisting: Fulfilment }], exports: ['FULFILMENT_ALIAS'] })
    class FeatureModule {}
    const { deliver } = await boot([], { imports: [FeatureModule] });
    expect(await deliver(paidCheckout('o_1'))).toEqual({ status: 200, body: { received: true } });
    expect(calls).toEqual(['fulfil']);
  });

  it('warns when a class provided in two modules makes its method run twice per event', async () => {
    @Injectable()
    class Twice {
      @OnStripeEvent('checkout.session.completed')
      fulfil() {
        calls.push('fulfil');
      }
    }
    @Module({ providers: [Twice] })
    class First {}
    @Module({ providers: [Twice] })
    class Second {}
    const { deliver, lines } = await boot([], { imports: [First, Second] });
    await deliver(paidCheckout('o_1'));
    expect(calls).toEqual(['fulfil', 'fulfil']);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('Twice.fulfil runs twice per event') }));
  });

  it('logs each mapping, and warns when no method was found', async () => {
    @Injectable()
    class Orders {
      @OnStripeEvent(['checkout.session.completed', 'checkout.session.async_payment_succeeded'])
      paid() {}
    }
    const found = await boot([Orders]);
    expect(found.lines).toContainEqual({ level: 'info', message: 'checkout.session.completed, checkout.session.async_payment_succeeded -> Orders.paid', details: undefined });
    const none = await boot([Counter]);
    expect(none.lines).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('no @OnStripeEvent or @OnCheckout* method was found') }));
    expect(await none.deliver(paidCheckout('o_1'))).toEqual({ status: 200, body: { received: true } });
  });

  it.each([
    ['request-scoped', Scope.REQUEST],
    ['transient', Scope.TRANSIENT],
  ])('fails at startup, naming the method, for a %s provider', async (_scope, scope) => {
    @Injectable({ scope })
    class Scoped {
      @OnStripeEvent('invoice.paid')
      paid() {}
    }
    await expect(boot([Scoped])).rejects.toThrow(/Scoped\.paid is on a request-scoped or transient provider/);
  });
});
