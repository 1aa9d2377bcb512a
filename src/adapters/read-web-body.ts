// Web APIs only (see web.ts).
import { announcesTooLarge, createBodyCollector } from './capped-body.js';
import { readHeader } from '../handler/build-webhook-handler.js';
import type { WebhookRequest } from '../types.js';

type ReadBody = Pick<WebhookRequest, 'body' | 'bodyTooLarge'>;

/**
 * The raw body of a Fetch `Request`, or `bodyTooLarge` past `maxBodyBytes`.
 *
 * With a Content-Length within the limit (Stripe always sends one) the body is read whole with
 * `arrayBuffer()`: the server frames the body by that length, so memory stays bounded, and servers
 * can serve it without a stream (@hono/node-server reads the Node request directly, while touching
 * `request.body` makes it build a full undici Request around a web stream: about 1.35x the
 * requests/s, see bench/). Without one (chunked), the stream is read chunk by chunk and abandoned
 * as soon as it passes the limit, so a client cannot make the handler buffer more than that.
 */
export async function readWebBody(request: Request, maxBodyBytes: number): Promise<ReadBody> {
  // Middleware that read the body (e.g. to log it) leaves nothing to verify: the core answers
  // 500 body_not_raw and logs the fix.
  if (request.bodyUsed) return { body: undefined };
  if (announcesTooLarge(request.headers, maxBodyBytes)) return { body: undefined, bodyTooLarge: true };
  if (declaresLength(request.headers)) {
    const body = new Uint8Array(await request.arrayBuffer());
    // A Request built in code may carry a Content-Length its body does not keep to.
    return body.byteLength > maxBodyBytes ? { body: undefined, bodyTooLarge: true } : { body };
  }
  return readStream(request.body, maxBodyBytes);
}

function declaresLength(headers: Headers): boolean {
  const declared = readHeader(headers, 'content-length');
  return typeof declared === 'string' && /^\s*\d+\s*$/.test(declared);
}

async function readStream(stream: ReadableStream<Uint8Array> | null, maxBodyBytes: number): Promise<ReadBody> {
  if (stream === null) return { body: '' };
  const reader = stream.getReader();
  const collector = createBodyCollector(maxBodyBytes);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: collector.bytes() };
    if (!collector.add(value)) {
      reader.releaseLock();
      return { body: undefined, bodyTooLarge: true };
    }
  }
}
