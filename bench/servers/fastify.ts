// Fastify 5 server for bench/http.ts: `node --import tsx bench/servers/fastify.ts <variant>`.
import type Stripe from 'stripe';
import Fastify from 'fastify5';
import { stripeWebhookPlugin } from 'stripe-webhook-kit/fastify';
import { announce, handleLikeStripeDocs, ourOptions, portOf, readVariant, secret, stripe, webhookPath } from './shared.js';

const variant = readVariant();
const app = Fastify();

if (variant === 'ours' || variant === 'ours-memory') {
  await app.register(stripeWebhookPlugin, { path: webhookPath, ...ourOptions(variant) });
} else {
  // The usual way to get Stripe's raw bytes in Fastify: a buffer parser for JSON bodies.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  if (variant === 'ceiling') {
    app.post(webhookPath, async () => ({ received: true }));
  } else {
    app.post(webhookPath, async (request, reply) => {
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(request.body as Buffer, request.headers['stripe-signature'] as string, secret);
      } catch (error) {
        return reply.code(400).send(`Webhook Error: ${(error as Error).message}`);
      }
      handleLikeStripeDocs(event);
      return { received: true };
    });
  }
}

await app.listen({ port: 0, host: '127.0.0.1' });
announce(portOf(app.server));
