import { checkoutScenario, simulateDeliveries } from 'stripe-webhook-kit/testing';

const run = await simulateDeliveries({
  url: 'http://127.0.0.1:3000/v1/webhook',
  secret: process.env.STRIPE_WEBHOOK_SECRET!,
  events: checkoutScenario('async-succeeded', { orderId: 'ord_123' }), // an order your app has
  seed: 42,          // same seed, same schedule
  duplicates: 0.3,   // 30% of the events are delivered more than once, some copies concurrently
  reorder: true,     // not in created order
  concurrency: 4,    // at most 4 requests in flight
  retry: 'compressed',
});
console.log(run.summary.unacknowledged); // events that never got a 2xx: Stripe would have given up on them
