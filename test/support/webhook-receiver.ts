// A real webhook endpoint for the CLI's tests: node:http in front of createWebhookHandler, which
// records what it received. Events whose metadata says `fail` are answered 500.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import type { ThinEventNotification } from '../../src/event-types.js';
import type { EventNotificationClient } from '../../src/verify/notification-client.js';
import { testSecret } from './deliveries.js';

export interface WebhookReceiver {
  url: string;
  /** Every event the handler dispatched, in arrival order. */
  received: Stripe.Event[];
  /** Every thin notification dispatched (only with a `stripe` client), in arrival order. */
  notifications: ThinEventNotification[];
  /** Every request that reached the server, answered or not. */
  requests: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret = testSecret, stripe?: EventNotificationClient): Promise<WebhookReceiver> {
  const received: Stripe.Event[] = [];
  const notifications: ThinEventNotification[] = [];
  const router = createWebhookRouter().onAny((event) => {
    if (event.object === 'v2.core.event') return void notifications.push(event);
    received.push(event);
    const object = event.data.object as { metadata?: Record<string, string> | null };
    if (object.metadata?.fail) throw new Error('asked to fail');
  });
  const handler = createWebhookHandler({ secret, router, logger: false, stripe });
  const receiver: WebhookReceiver = { url: '', received, notifications, requests: 0, close: async () => {} };

  const server = createServer((request, response) => {
    receiver.requests++;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void handler.handle({ method: request.method ?? 'GET', headers: request.headers, body: Buffer.concat(chunks) }).then((answer) => {
        response.writeHead(answer.status, answer.headers).end(answer.body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/webhook`;
  receiver.close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return receiver;
}
