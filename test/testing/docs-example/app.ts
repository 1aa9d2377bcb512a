// src/app.ts: a shop that takes orders and fulfils them when Stripe says they are paid.
import express from 'express';
import { createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';

export type OrderStatus = 'pending' | 'awaiting_payment' | 'payment_failed' | 'paid';
export interface Order {
  id: string;
  status: OrderStatus;
  fulfilments: number;
}

// The states each status may be reached from. Anything else (a late, repeated or out-of-order
// event) changes nothing, and a paid order never goes back.
const reachableFrom: Record<OrderStatus, OrderStatus[]> = {
  pending: [],
  awaiting_payment: ['pending'],
  payment_failed: ['pending', 'awaiting_payment'],
  paid: ['pending', 'awaiting_payment', 'payment_failed'],
};

export function createApp(webhookSecret: string) {
  const orders = new Map<string, Order>(); // your database
  // One check-and-set: with a database, one conditional UPDATE ... WHERE status IN (...).
  const move = (orderId: string, to: OrderStatus): Order | undefined => {
    const order = orders.get(orderId);
    if (order === undefined || !reachableFrom[to].includes(order.status)) return undefined;
    order.status = to;
    return order;
  };

  const router = createWebhookRouter()
    .onCheckoutPaid((session) => {
      // Only the delivery that moved the order to paid fulfils it.
      const order = move(orderReference(session), 'paid');
      if (order) order.fulfilments++;
    })
    .onCheckoutAwaitingPayment((session) => void move(orderReference(session), 'awaiting_payment'))
    .onCheckoutPaymentFailed((session) => void move(orderReference(session), 'payment_failed'));

  const app = express();
  app.post('/v1/webhook', stripeWebhookMiddleware({ secret: webhookSecret, router }));
  app.use(express.json());
  app.post('/orders', (_req, res) => {
    const order: Order = { id: `ord_${orders.size + 1}`, status: 'pending', fulfilments: 0 };
    orders.set(order.id, order);
    res.status(201).json(order);
  });
  app.get('/orders/:id', (req, res) => {
    const order = orders.get(req.params.id);
    if (order) res.json(order);
    else res.status(404).json({ error: 'order_not_found' });
  });
  return app;
}
