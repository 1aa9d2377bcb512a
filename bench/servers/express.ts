// Express 5 server for bench/http.ts: `node --import tsx bench/servers/express.ts <variant>`.
import { createRequire } from 'node:module';
import type Express from 'express';
import type Stripe from 'stripe';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import { announce, handleLikeStripeDocs, ourOptions, portOf, readVariant, secret, stripe, webhookPath } from './shared.js';

// Express 5 is installed under the alias `express5`; @types/express describes it.
const express = createRequire(import.meta.url)('express5') as typeof Express;

const variant = readVariant();
const app = express();

if (variant === 'ceiling') {
  app.post(webhookPath, express.raw({ type: 'application/json' }), (_request, response) => {
    response.json({ received: true });
  });
} else if (variant === 'handwritten') {
  // As in Stripe's webhook docs: the raw body on this route only, then constructEvent.
  app.post(webhookPath, express.raw({ type: 'application/json' }), (request, response) => {
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(request.body as Buffer, request.headers['stripe-signature'] as string, secret);
    } catch (error) {
      response.status(400).send(`Webhook Error: ${(error as Error).message}`);
      return;
    }
    handleLikeStripeDocs(event);
    response.json({ received: true });
  });
} else {
  app.post(webhookPath, stripeWebhookMiddleware(ourOptions(variant)));
}

const server = app.listen(0, '127.0.0.1', () => announce(portOf(server)));
