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

// Called directly, the verifier cannot know the framework: it names the fix in each one. The
// handler, which adapters tell their framework, gives that framework's fix alone.
const anyFramework =
  'In Express mount the webhook route before `express.json()` or use `express.raw({ type: "application/json" })` on it; ' +
  'in Fastify use the webhook plugin (it parses its own route raw) and keep hooks from replacing the body; ' +
  'in NestJS make sure no middleware parses the webhook path; with `handler.handle()` pass the raw bytes or text.';

/** The error for a body that a parser already turned into something else; `advice` says how to keep it raw. */
export function bodyNotRawError(payload: unknown, advice = anyFramework): WebhookVerificationError {
  const kind = typeof payload === 'object' && payload !== null ? (payload.constructor?.name ?? 'object') : typeof payload;
  const what = payload === null || payload === undefined ? String(payload) : `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind}`;
  return new WebhookVerificationError(
    'body_not_raw',
    `The webhook payload is ${what}, not the raw request body. Stripe signs the exact bytes it sent, so a body parser must not run first. ${advice}`,
  );
}
