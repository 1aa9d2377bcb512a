import { readHeader } from '../../handler/build-webhook-handler.js';
import type { WebhookRequest } from '../../types.js';
import { readNodeRequest, type NodeRequestLike } from '../read-node-request.js';
import { capturedBodyKey } from './raw-body-capture.js';

type PlatformRequest = NodeRequestLike & { raw?: unknown; [capturedBodyKey]?: unknown };

/**
 * The delivery as the route received it: the body the capture kept, else the `rawBody` Nest kept
 * (`{ rawBody: true }`), else (Express) the stream if nobody read it. A body that a parser
 * consumed is passed on as it is, and the core answers 500 `body_not_raw`. Resolves `undefined`
 * when the client hung up.
 */
export async function readWebhookRequest(request: PlatformRequest, maxBodyBytes: number, bodyTimeoutMs: number): Promise<WebhookRequest | undefined> {
  const base = { method: request.method ?? 'GET', headers: request.headers };
  const captured = request[capturedBodyKey];
  let read: WebhookRequest | undefined;
  if (captured !== undefined) read = { ...base, body: captured };
  else if (request.raw !== undefined) {
    // Fastify: its parsers have run; a request without a body has none.
    read = { ...base, body: isRaw(request.rawBody) ? request.rawBody : (request.body ?? '') };
  } else read = await readNodeRequest(request, maxBodyBytes, bodyTimeoutMs);
  // Without a signature the body is never looked at: the answer is 400 missing_signature, also
  // when a parser had consumed it.
  if (read !== undefined && !isRaw(read.body) && read.bodyTooLarge !== true && read.bodyTimedOut !== true && readHeader(read.headers, 'stripe-signature') === undefined) {
    return { ...read, body: '' };
  }
  return read;
}

export function isRaw(value: unknown): value is string | Uint8Array {
  return typeof value === 'string' || value instanceof Uint8Array;
}
