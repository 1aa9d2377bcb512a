import { createWebhookRouter } from 'stripe-webhook-kit';

const router = createWebhookRouter();
router.on('checkout.session.completed', async (event, ctx) => {
  ctx.logger.info('session', { id: event.data.object.id }); // event.data.object: Stripe.Checkout.Session
});
router.on(['invoice.paid', 'invoice.payment_failed'], (event) => {
  console.log(event.type, event.data.object.id); // the union of both
});
router.onAny((event, ctx) => ctx.logger.info('received', { type: event.type }));
router.onError((error, event) => console.error(event.id, error.errors));
