// Hono on @hono/node-server, for bench/http.ts: the Web adapter's row (what Next.js, Bun, Deno
// and Workers users run). `node --import tsx bench/servers/hono.ts <variant>`.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import Stripe from 'stripe';
import { createFetchHandler } from 'stripe-webhook-kit/web';
import { announce, handleLikeStripeDocs, ourOptions, portOf, readVariant, secret, stripe, webhookPath } from './shared.js';

const variant = readVariant();
const app = new Hono();

if (variant === 'ceiling') {
  // The no-op: reads the raw body and answers, verifying nothing.
  app.post(webhookPath, async (c) => {
    await c.req.arrayBuffer();
    return c.json({ received: true });
  });
} else if (variant === 'handwritten') {
  // As Stripe documents it for runtimes without node:crypto (Hono, Next.js, Workers): the raw
  // text, then constructEventAsync with Web Crypto.
  const cryptoProvider = Stripe.createSubtleCryptoProvider();
  app.post(webhookPath, async (c) => {
    const body = await c.req.text();
    let event: Stripe.Event;
    try {
      event = await stripe.webhooks.constructEventAsync(body, c.req.header('stripe-signature') ?? '', secret, undefined, cryptoProvider);
    } catch (error) {
      return c.text(`Webhook Error: ${(error as Error).message}`, 400);
    }
    handleLikeStripeDocs(event);
    return c.json({ received: true });
  });
} else if (variant === 'ours-via-body-stream') {
  // The adapter once read `request.body`, which makes @hono/node-server build a full
  // undici Request around a web stream of the Node request; touching it first brings that back.
  const webhook = createFetchHandler(ourOptions('ours'));
  app.post(webhookPath, (c) => {
    void c.req.raw.body;
    return webhook(c.req.raw);
  });
} else {
  const webhook = createFetchHandler(ourOptions(variant));
  app.post(webhookPath, (c) => webhook(c.req.raw));
}

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
server.once('listening', () => announce(portOf(server)));
