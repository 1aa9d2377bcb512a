import express from 'express';
import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the signing secret of your endpoint (whsec_...)');

type OrderStatus = 'pending' | 'awaiting_payment' | 'paid' | 'payment_failed';
const orders = new Map<string, OrderStatus>(); // your database

// Stripe does not promise the order of events. Move an order only out of the states it may leave,
// so a late event never takes a paid order back (in SQL: UPDATE ... WHERE status IN (...)).
function moveOrder(orderId: string, to: OrderStatus, from: readonly OrderStatus[]) {
  if (from.includes(orders.get(orderId) ?? 'pending')) orders.set(orderId, to);
}

const router = createWebhookRouter()
  // completed with payment_status paid, or async_payment_succeeded (a bank debit went through)
  .onCheckoutPaid((session) => {
    moveOrder(orderReference(session), 'paid', ['pending', 'awaiting_payment', 'payment_failed']);
  })
  // completed with payment_status unpaid: a bank debit is on its way
  .onCheckoutAwaitingPayment((session) => {
    moveOrder(orderReference(session), 'awaiting_payment', ['pending']);
  })
  .onCheckoutPaymentFailed((session) => {
    moveOrder(orderReference(session), 'payment_failed', ['pending', 'awaiting_payment']);
  });

const app = express();
// The middleware reads the raw body itself: mount it before express.json().
app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router }));
app.use(express.json());
app.get('/orders/:id', (req, res) => {
  res.json({ id: req.params.id, status: orders.get(req.params.id) ?? 'pending' });
});

// A port that is taken (EADDRINUSE) stops the process: the server has no 'error' listener.
const server = app.listen(Number(process.env.PORT ?? 8000));
server.once('listening', () => console.log('listening on', server.address()));
