import Stripe from 'stripe';

// catchUp and checkEndpoints use the client they are given: point it at a proxy or a stand-in
// with stripe-node's own options. Paths stay Stripe's (/v1/events, /v1/webhook_endpoints).
export const stripe = new Stripe(process.env.STRIPE_READ_KEY ?? '', {
  host: 'stripe-proxy.internal',
  port: 8080,
  protocol: 'http',
});
