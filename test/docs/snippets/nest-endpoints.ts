import { Injectable, Module } from '@nestjs/common';
import type Stripe from 'stripe';
import type { WebhookContext } from 'stripe-webhook-kit';
import { OnStripeEvent, StripeWebhookModule } from 'stripe-webhook-kit/nest';

const accountSecret = process.env.STRIPE_WEBHOOK_SECRET;
const connectSecret = process.env.STRIPE_CONNECT_WEBHOOK_SECRET;
if (!accountSecret || !connectSecret) throw new Error('Set STRIPE_WEBHOOK_SECRET and STRIPE_CONNECT_WEBHOOK_SECRET (whsec_...)');

@Injectable()
export class Payouts {
  @OnStripeEvent('account.updated', { endpoint: 'connect' }) // the Connect endpoint only
  accountUpdated(event: Stripe.AccountUpdatedEvent, ctx: WebhookContext) {
    ctx.logger.info('account updated', { account: event.data.object.id });
  }

  @OnStripeEvent('payout.paid') // every endpoint
  payoutPaid(event: Stripe.PayoutPaidEvent, ctx: WebhookContext) {
    ctx.logger.info('payout paid', { payout: event.data.object.id, account: ctx.account });
  }
}

@Module({
  imports: [
    StripeWebhookModule.forRoot({ secret: accountSecret, path: 'stripe/account' }),
    StripeWebhookModule.forRoot({ name: 'connect', secret: connectSecret, path: 'stripe/connect' }),
  ],
  providers: [Payouts],
})
export class AppModule {}
