// The Web adapter with real Request objects, and its import graph bundled for a runtime that has
// no `node:` modules.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { createFetchHandler, createWebCryptoWebhookHandler } from '../../src/adapters/web.js';
import type { WebhookHandlerOptions } from '../../src/handler/build-webhook-handler.js';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { leakCheck, paidCheckout, testSecret, type Delivery } from '../support/deliveries.js';

function options(overrides: Partial<WebhookHandlerOptions> = {}): WebhookHandlerOptions {
  return { secret: testSecret, router: createWebhookRouter(), logger: false, ...overrides };
}

const endpoint = 'https://shop.example/api/webhook';

function post(delivery: Pick<Delivery, 'body' | 'headers'>, init: RequestInit = {}): Request {
  return new Request(endpoint, { method: 'POST', headers: delivery.headers, body: delivery.body, ...init });
}

async function answer(response: Response, delivery?: Delivery) {
  const body = await response.text();
  if (delivery) leakCheck(body, delivery);
  return { status: response.status, body: JSON.parse(body) as unknown, type: response.headers.get('content-type') };
}

/** A body that sends `bytes` and then stays open forever, like a client that stalls. */
function stalledBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
    },
  });
}

describe('createFetchHandler', () => {
  it('accepts the options object and builds its handler at once, so bad options fail at startup', async () => {
    expect(() => createFetchHandler({ secret: testSecret } as WebhookHandlerOptions)).toThrow(/router/);
    const delivery = paidCheckout('o_1');
    expect(await answer(await createFetchHandler(options())(post(delivery)), delivery)).toEqual({ status: 200, body: { received: true }, type: 'application/json; charset=utf-8' });
  });

  it('refuses, when built, a handler bound to node:crypto (createWebhookHandler), naming the Web way', () => {
    expect(() => createFetchHandler(createWebhookHandler(options()))).toThrow(/verifies with node:crypto.*createWebCryptoWebhookHandler/s);
    expect(() => createFetchHandler({ handler: createWebhookHandler(options()) } as never)).toThrow(/node:crypto/);
  });

  it('accepts a prebuilt Web Crypto handler and uses it as it is, deduplication included', async () => {
    const handler = createWebCryptoWebhookHandler(options());
    const delivery = paidCheckout('o_1');
    expect(await answer(await createFetchHandler(handler)(post(delivery)))).toMatchObject({ status: 200, body: { received: true } });
    expect(await answer(await createFetchHandler(handler)(post(delivery)))).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
  });

  it('answers 405 to a GET, which has no body', async () => {
    const response = await createFetchHandler(options())(new Request(endpoint));
    expect(await answer(response)).toMatchObject({ status: 405, body: { error: 'method_not_allowed' } });
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers 400 to a POST without a body', async () => {
    const response = await createFetchHandler(options())(new Request(endpoint, { method: 'POST' }));
    expect(await answer(response)).toMatchObject({ status: 400, body: { error: 'missing_signature' } });
  });

  it('answers 413 from Content-Length alone, without reading a body that never ends', async () => {
    const delivery = paidCheckout('o_1');
    const request = post(delivery, { headers: { ...delivery.headers, 'content-length': '50000000' }, body: stalledBody(new Uint8Array(10)), duplex: 'half' } as RequestInit);
    expect(await answer(await createFetchHandler(options({ maxBodyBytes: 1024 }))(request))).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });

  it('answers 413 once a streamed body passes the limit, without waiting for its end', async () => {
    const delivery = paidCheckout('o_1');
    const request = post(delivery, { body: stalledBody(new Uint8Array(2048)), duplex: 'half' } as RequestInit);
    expect(await answer(await createFetchHandler(options({ maxBodyBytes: 1024 }))(request))).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });

  it('verifies a body that arrives in many small chunks', async () => {
    const delivery = paidCheckout('o_é');
    const bytes = new TextEncoder().encode(delivery.body);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.byteLength; offset += 7) controller.enqueue(bytes.slice(offset, offset + 7));
        controller.close();
      },
    });
    const response = await createFetchHandler(options())(post(delivery, { body, duplex: 'half' } as RequestInit));
    expect(await answer(response, delivery)).toMatchObject({ status: 200, body: { received: true } });
  });

  it('answers 500 body_not_raw when the body was already read', async () => {
    const delivery = paidCheckout('o_1');
    const request = post(delivery);
    await request.json();
    expect(await answer(await createFetchHandler(options())(request), delivery)).toMatchObject({ status: 500, body: { error: 'body_not_raw' } });
  });
});

/**
 * A Node built-in only through process.getBuiltinModule, where the runtime has it: never an import
 * or require that a Worker or an edge bundler would have to resolve.
 */
function expectNoNodeImport(code: string): void {
  expect(code.replace(/getBuiltinModule\??\.?\((["'])node:[\w/]+\1\)/g, '')).not.toMatch(/["']node:/);
}

describe('stripe-webhook-kit/web import graph', () => {
  it('bundles for a neutral (non-Node) platform with no `node:` import', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../../src/adapters/web.ts', import.meta.url))],
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles.map((file) => file.text).join('\n');
    expect(code).toContain('createFetchHandler');
    expect(code).toContain('crypto.subtle');
    expectNoNodeImport(code);
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toMatch(/\bBuffer\b/);
  });

  it('stays free of `node:` code in an app that imports the router from the root (sideEffects: false)', async () => {
    const root = fileURLToPath(new URL('../../src/', import.meta.url));
    const result = await build({
      stdin: {
        contents: [
          `import { createWebhookRouter, orderReference } from ${JSON.stringify(`${root}entries/index.ts`)};`,
          `import { createFetchHandler } from ${JSON.stringify(`${root}adapters/web.ts`)};`,
          'const router = createWebhookRouter().onCheckoutPaid((session) => console.log(orderReference(session)));',
          "export const POST = createFetchHandler({ secret: 'whsec_x', router });",
        ].join('\n'),
        loader: 'ts',
        resolveDir: root,
      },
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      // Edge bundlers know the builtins exist; the root's sync verifier must still be dropped.
      external: ['node:*'],
    });
    const code = result.outputFiles.map((file) => file.text).join('\n');
    expect(code).toContain('crypto.subtle');
    expectNoNodeImport(code);
  });
});
