import Stripe from 'stripe';

// catchUp and checkEndpoints use the client they are given: point it at a proxy or a stand-in
// with stripe-node's own options. Paths stay Stripe's (/v1/events, /v1/webhook_endpoints).
const readKey = process.env.STRIPE_READ_KEY;
if (!readKey) throw new Error('Set STRIPE_READ_KEY to a restricted key (rk_...)');
export const stripe = new Stripe(readKey, {
  host: 'stripe-proxy.internal',
  port: 8080,
  protocol: 'http',
});
