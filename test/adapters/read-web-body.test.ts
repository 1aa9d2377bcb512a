// How the Web adapter reads a body: whole when a Content-Length frames it, chunk by chunk (and
// abandoned past the limit) when none does. Real Request objects, as runtimes hand them over.
import { describe, expect, it } from 'vitest';
import { readWebBody } from '../../src/adapters/read-web-body.js';

const endpoint = 'https://shop.example/api/webhook';
const bytes = (length: number) => new Uint8Array(length).fill(0x61);

/** A Request whose `body` must not be touched: reading it is what makes @hono/node-server slow. */
function withoutBodyStream(request: Request): Request {
  return new Proxy(request, {
    get(target, key) {
      if (key === 'body') throw new Error('request.body was read');
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A body that sends `chunk` and then stays open forever, like a client that stalls. */
function stalledBody(chunk: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(chunk);
    },
  });
}

describe('readWebBody', () => {
  it('reads a body framed by Content-Length with arrayBuffer(), never through request.body', async () => {
    const request = withoutBodyStream(new Request(endpoint, { method: 'POST', headers: { 'content-length': '100' }, body: bytes(100) }));
    expect(await readWebBody(request, 1024)).toEqual({ body: bytes(100) });
  });

  it('answers bodyTooLarge when a Content-Length within the limit lied about a longer body', async () => {
    const request = new Request(endpoint, { method: 'POST', headers: { 'content-length': '10' }, body: bytes(2048) });
    expect(await readWebBody(request, 1024)).toEqual({ body: undefined, bodyTooLarge: true });
  });

  it('answers bodyTooLarge from a Content-Length over the limit without reading the body', async () => {
    const request = withoutBodyStream(new Request(endpoint, { method: 'POST', headers: { 'content-length': '5000' }, body: stalledBody(bytes(10)), duplex: 'half' } as RequestInit));
    expect(await readWebBody(request, 1024)).toEqual({ body: undefined, bodyTooLarge: true });
  });

  it('without a Content-Length, stops reading a stream once it passes the limit, though it never ends', async () => {
    const request = new Request(endpoint, { method: 'POST', body: stalledBody(bytes(2048)), duplex: 'half' } as RequestInit);
    expect(await readWebBody(request, 1024)).toEqual({ body: undefined, bodyTooLarge: true });
  });

  it('without a Content-Length, reads a stream within the limit whole', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < 10; index++) controller.enqueue(bytes(100));
        controller.close();
      },
    });
    expect(await readWebBody(new Request(endpoint, { method: 'POST', body, duplex: 'half' } as RequestInit), 1024)).toEqual({ body: bytes(1000) });
  });

  it('reads an absent body as empty, and a used one as nothing (body_not_raw follows)', async () => {
    expect(await readWebBody(new Request(endpoint, { method: 'POST' }), 1024)).toEqual({ body: '' });
    const used = new Request(endpoint, { method: 'POST', body: 'x' });
    await used.text();
    expect(await readWebBody(used, 1024)).toEqual({ body: undefined });
  });
});
