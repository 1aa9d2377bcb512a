import type { WebhookFramework } from '../types.js';
import { WebhookVerificationError } from './errors.js';

const decoder = new TextDecoder();

/** The body as it was signed, and its text. */
export interface RawPayload {
  /** What the HMAC runs over: the bytes as received, or the string (hashed as UTF-8). */
  signed: string | Uint8Array;
  text: string;
  isEmpty: boolean;
}

/** Accepts the raw body in the forms frameworks hand it over (`RawBody`); takes `unknown` to refuse a parsed object. */
export function readPayload(payload: unknown): RawPayload {
  if (typeof payload === 'string') return { signed: payload, text: payload, isEmpty: payload.length === 0 };
  if (payload instanceof Uint8Array) return { signed: payload, text: decoder.decode(payload), isEmpty: payload.byteLength === 0 };
  if (payload instanceof ArrayBuffer) {
    const bytes = new Uint8Array(payload);
    return { signed: bytes, text: decoder.decode(bytes), isEmpty: bytes.byteLength === 0 };
  }
  throw bodyNotRawError(payload);
}


// What consumed the body, and the fix, for each framework as its adapter meets the problem.
const fixes: Record<WebhookFramework | 'any', string> = {
  express:
    'In Express, mount the webhook route before `express.json()` (or any body parser that keeps no raw copy), ' +
    'or give the route `express.raw({ type: "application/json" })`, or keep a raw copy with `express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })`.',
  fastify:
    'In Fastify the plugin parses its own route raw, so a hook replaced `request.body` after parsing: ' +
    'remove the `preValidation`/`preHandler` hook (or schema coercion) that rewrites bodies from the webhook route, or register it outside the plugin\'s context.',
  nest:
    'In NestJS the module reads the raw body itself and does not need `{ rawBody: true }`: something else consumed the body first, ' +
    'such as a middleware (`app.use(bodyParser.json())`, a `MiddlewareConsumer` body parser) applied to the webhook path; exclude the webhook path from it.',
  web:
    'In a Web handler (`createFetchHandler`), a middleware read the request body before the handler (a `Request` body can be read once): ' +
    'let the webhook route skip body-reading middleware, or hand the handler a fresh `new Request(url, { method, headers, body: rawText })`.',
  any:
    'In Express mount the webhook route before `express.json()` or use `express.raw({ type: "application/json" })` on it; ' +
    'in Fastify use the webhook plugin (it parses its own route raw) and keep hooks from replacing the body; ' +
    'in NestJS make sure no middleware parses the webhook path; with `handler.handle()` pass the raw bytes or text.',
};

/** The error for a body that a parser already turned into something else, with the fix for `framework`. */
export function bodyNotRawError(payload: unknown, framework?: WebhookFramework): WebhookVerificationError {
  const kind = typeof payload === 'object' && payload !== null ? (payload.constructor?.name ?? 'object') : typeof payload;
  const what = payload === null || payload === undefined ? String(payload) : `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind}`;
  return new WebhookVerificationError(
    'body_not_raw',
    `The webhook payload is ${what}, not the raw request body. Stripe signs the exact bytes it sent, so a body parser must not run first. ` +
      (fixes[framework ?? 'any'] ?? fixes.any),
  );
}
