import { createWebhookRouter, type StripeEventOf } from 'stripe-webhook-kit';

const router = createWebhookRouter();

// One handler for several types: `event` is their union, and `event.type` narrows it.
router.on(['customer.subscription.created', 'customer.subscription.deleted', 'invoice.payment_failed'], (event) => {
  switch (event.type) {
    case 'invoice.payment_failed':
      return notifyBilling(event.data.object.id); // Stripe.Invoice
    default:
      return syncSubscription(event); // the two subscription events
  }
});

// onAny sees snapshot events and thin notifications alike: `event.object` tells them apart.
router.onAny((event, ctx) => {
  if (event.object === 'v2.core.event') ctx.logger.info('thin notification', { type: event.type });
  else ctx.logger.info('snapshot event', { type: event.type, apiVersion: event.api_version });
});

type SubscriptionEvent = StripeEventOf<'customer.subscription.created' | 'customer.subscription.deleted'>;

function syncSubscription(event: SubscriptionEvent): void {
  console.log(event.type, event.data.object.status); // Stripe.Subscription
}

function notifyBilling(invoiceId: string | undefined): void {
  console.log('payment failed', invoiceId);
}
