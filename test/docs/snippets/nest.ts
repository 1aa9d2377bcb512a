import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type Stripe from 'stripe';
import { orderReference, type WebhookContext } from 'stripe-webhook-kit';
import { OnStripeEvent, StripeWebhookModule } from 'stripe-webhook-kit/nest';

@Injectable()
export class PaidOrders {
  readonly ids = new Set<string>(); // your database
}

@Injectable()
export class Fulfillment {
  constructor(private readonly paidOrders: PaidOrders) {}

  // Runs on this provider, with its injected services. Returns: 200. Throws: 500, and Stripe retries.
  @OnStripeEvent(['checkout.session.completed', 'checkout.session.async_payment_succeeded'])
  async paid(event: Stripe.CheckoutSessionCompletedEvent | Stripe.CheckoutSessionAsyncPaymentSucceededEvent, ctx: WebhookContext) {
    const session = event.data.object;
    if (session.payment_status === 'unpaid') return; // a delayed payment method: wait for async_payment_succeeded
    this.paidOrders.ids.add(orderReference(session)); // metadata.orderId, else client_reference_id
    ctx.logger.info('order paid', { eventId: ctx.eventId });
  }
}

@Module({
  imports: [StripeWebhookModule.forRoot({ secret: process.env.STRIPE_WEBHOOK_SECRET ?? '', path: 'v1/webhook' })],
  providers: [PaidOrders, Fulfillment],
})
export class AppModule {}

// main.ts: Express or Fastify platform, with or without { rawBody: true }.
const app = await NestFactory.create(AppModule);
await app.listen(Number(process.env.PORT ?? 3000));
console.log(`listening on ${await app.getUrl()}`);
