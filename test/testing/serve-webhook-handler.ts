// The kit's HTTP-neutral handler behind node:http, for the simulator's tests. `onArrival` sees
// each request's raw body before the handler does.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookHandler } from '../../src/handler/build-webhook-handler.js';

export interface ServedHandler {
  url: string;
  close(): Promise<void>;
}

export async function serveWebhookHandler(handler: WebhookHandler, onArrival: (body: string) => void = () => {}): Promise<ServedHandler> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks);
      onArrival(body.toString('utf8'));
      const answer = await handler.handle({ method: request.method ?? 'POST', headers: request.headers, body });
      response.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/webhook`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
