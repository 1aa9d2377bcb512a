import { createWebhookHandler, createWebhookRouter, handleTrustedDelivery } from 'stripe-webhook-kit';

const router = createWebhookRouter().onCheckoutPaid(async (session) => {
  console.log(`fulfilling ${session.id}`);
});
// The handler your webhook endpoint serves: its store, timeouts and logger serve the channel too.
const webhooks = createWebhookHandler({ secret: process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_unset', router, handlerTimeoutMs: 5_000 });

export async function onEventBridge(envelope: unknown): Promise<void> {
  const result = await handleTrustedDelivery(envelope, { handler: webhooks });
  // handler_timeout (and every other outcome worth another try) comes with retry: true.
  if (result.retry) throw new Error(`Stripe event ${result.eventId}: ${result.outcome}`);
}
