// The middleware on a bare Node server: its types are structural, so no Express is needed, and
// the raw socket lets a test send what a browser-grade client never would.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import type { WebhookHandlerOptions } from '../../src/handler/build-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { paidCheckout, testSecret } from '../support/deliveries.js';
import { listening } from '../support/listen.js';
import { expectAnswer, send, type RunningServer } from '../support/status-contract.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function options(overrides: Partial<WebhookHandlerOptions> = {}): WebhookHandlerOptions {
  return { secret: testSecret, router: createWebhookRouter(), logger: false, ...overrides };
}

/** Serves the middleware from `http.createServer`; `prepare` runs first, as earlier middleware would. */
async function serve(middleware: ReturnType<typeof stripeWebhookMiddleware>, prepare?: (req: IncomingMessage) => void) {
  const nextCalls: unknown[] = [];
  const closed: Array<Promise<void>> = [];
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    closed.push(new Promise((resolve) => req.once('close', resolve)));
    prepare?.(req);
    middleware(req, res, (error) => nextCalls.push(error));
  });
  server = await listening(http.listen(0, '127.0.0.1'));
  return { url: server.url, port: Number(new URL(server.url).port), nextCalls, closed };
}

/** Writes `head` on a raw socket and resolves with the first bytes of the response. */
function rawExchange(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    socket.once('data', (data) => {
      resolve(data.toString('utf8'));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('stripeWebhookMiddleware', () => {
  it('accepts the options object and builds its handler at once, so bad options fail at startup', () => {
    expect(typeof stripeWebhookMiddleware(options())).toBe('function');
    expect(() => stripeWebhookMiddleware({ secret: testSecret } as WebhookHandlerOptions)).toThrow(/router/);
    expect(() => stripeWebhookMiddleware(options({ maxBodyBytes: -1 }))).toThrow(/maxBodyBytes/);
  });

  it('accepts a prebuilt handler, and two middlewares over one handler share its deduplication', async () => {
    const handler = createWebhookHandler(options());
    const first = stripeWebhookMiddleware(handler);
    const second = stripeWebhookMiddleware(handler);
    const delivery = paidCheckout('o_1');
    const one = await serve(first);
    expectAnswer(await send(one.url, delivery), 200, { received: true }, delivery);
    await server?.close();
    const two = await serve(second);
    expectAnswer(await send(two.url, delivery), 200, { received: true, duplicate: true }, delivery);
  });

  it('works on a bare Node server and never calls next() for an answered request', async () => {
    const { url, nextCalls } = await serve(stripeWebhookMiddleware(options()));
    const delivery = paidCheckout('o_1');
    expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
    expect(nextCalls).toEqual([]);
  });

  it('answers 413 from Content-Length alone, without waiting for a body that never comes', async () => {
    const { port } = await serve(stripeWebhookMiddleware(options({ maxBodyBytes: 1024 })));
    const head = 'POST /v1/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{';
    const response = await rawExchange(port, head);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toContain('{"error":"payload_too_large"}');
  });

  it('answers 413 once a chunked body passes the limit, without waiting for its end', async () => {
    const { port } = await serve(stripeWebhookMiddleware(options({ maxBodyBytes: 1024 })));
    const chunk = 'x'.repeat(2000);
    const head = `POST /v1/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    const response = await rawExchange(port, head);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toContain('{"error":"payload_too_large"}');
  });

  it('reads a body that earlier code decoded to strings (setEncoding)', async () => {
    const { url } = await serve(stripeWebhookMiddleware(options()), (req) => req.setEncoding('utf8'));
    const delivery = paidCheckout('o_é');
    expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
  });

  it('gives up quietly when the client hangs up mid-body, and keeps serving', async () => {
    const { port, url, nextCalls, closed } = await serve(stripeWebhookMiddleware(options()));
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('POST /v1/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id":', () => {
          socket.destroy();
          resolve();
        });
      });
      socket.once('error', reject);
    });
    await Promise.all(closed);
    const delivery = paidCheckout('o_1');
    expectAnswer(await send(url, delivery), 200, { received: true }, delivery);
    expect(nextCalls).toEqual([]);
  });
});
