import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type Stripe from 'stripe';
import { orderReference, type WebhookContext } from 'stripe-webhook-kit';
import { OnCheckoutAwaitingPayment, OnCheckoutPaid, StripeWebhookModule } from 'stripe-webhook-kit/nest';

@Injectable()
export class PaidOrders {
  readonly ids = new Set<string>(); // your database
}

@Injectable()
export class Fulfillment {
  // @Inject names the provider, so injection works where no decorator metadata is emitted (tsx).
  constructor(@Inject(PaidOrders) private readonly paidOrders: PaidOrders) {}

  // Card payments on completion, bank debits when the money arrives. Returns: 200. Throws: 500, and Stripe retries.
  @OnCheckoutPaid()
  async paid(session: Stripe.Checkout.Session, _event: Stripe.Event, ctx: WebhookContext) {
    this.paidOrders.ids.add(orderReference(session)); // metadata.orderId, else client_reference_id
    ctx.logger.info('order paid', { eventId: ctx.eventId });
  }

  @OnCheckoutAwaitingPayment()
  async awaiting(session: Stripe.Checkout.Session) {
    console.log(`order ${orderReference(session)} waits for its bank debit`);
  }
}

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

@Module({
  imports: [StripeWebhookModule.forRoot({ secret, path: 'v1/webhook' })],
  providers: [PaidOrders, Fulfillment],
})
export class AppModule {}

// main.ts: Express or Fastify platform, with or without { rawBody: true }.
const app = await NestFactory.create(AppModule);
app.setGlobalPrefix('api'); // the webhook is at /api/v1/webhook
await app.listen(Number(process.env.PORT ?? 3000));
console.log(`listening on ${await app.getUrl()}`);
