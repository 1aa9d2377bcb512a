import express from 'express';
import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';

const orders = new Map<string, string>(); // your database

const router = createWebhookRouter()
  // checkout.session.completed with payment_status paid, or async_payment_succeeded
  .onCheckoutPaid((session) => {
    orders.set(orderReference(session), 'paid'); // metadata.orderId, else client_reference_id
  })
  // checkout.session.completed with payment_status unpaid: a bank debit is on its way
  .onCheckoutAwaitingPayment((session) => {
    orders.set(orderReference(session), 'awaiting_payment');
  })
  .onCheckoutPaymentFailed((session) => {
    orders.set(orderReference(session), 'payment_failed');
  });

const app = express();
// The middleware reads the raw body itself: mount it before express.json().
app.post('/v1/webhook', stripeWebhookMiddleware({ secret: process.env.STRIPE_WEBHOOK_SECRET ?? '', router }));
app.use(express.json());

const server = app.listen(Number(process.env.PORT ?? 8000), () => {
  console.log('listening on', server.address());
});
