import type * as NodeCrypto from 'node:crypto';
import type Stripe from 'stripe';
import type { RawBody, VerifyOptions } from '../types.js';
import { constantTimeEqual } from './constant-time-equal.js';
import { hmacSha256Hex } from './hmac-sha256-hex.js';
import { nodeCrypto } from './node-crypto.js';
import { parseEvent } from './parse-event.js';
import { prepareVerification, signedPrefix, verifiedText, type PreparedVerification } from './verification-steps.js';


// `createHmac` turns a string key into a key object on every call; a process has few secrets, so
// each is turned into one once (a few percent of a small delivery's verification, see bench/).
const keyCache = new Map<string, NodeCrypto.KeyObject>();
const maxCachedKeys = 32;

// A `v1` signature is the hex HMAC-SHA256: 64 ASCII characters. Both sides of a comparison are
// encoded into these arrays (`encodeInto` is the cheapest way in; new Buffers cost more than the
// rest of a small delivery's checks, see bench/).
const signatureBytes = 64;
const encoder = new TextEncoder();
const expectedBytes = new Uint8Array(signatureBytes);
const givenBytes = new Uint8Array(signatureBytes);

/**
 * Verifies a Stripe webhook delivery and returns its event, synchronously, with `node:crypto`
 * (where the runtime has none, as on Cloudflare Workers, with a slower HMAC in plain JavaScript).
 *
 * @param payload The raw request body, exactly as received.
 * @param signatureHeader The `Stripe-Signature` header.
 * @param secret The endpoint's signing secret, or several (key rotation, test and live).
 * @throws {@link WebhookVerificationError} with a `code` and the `status` to answer.
 */
export function verifyAndParse(
  payload: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options?: VerifyOptions,
): Stripe.Event {
  return parseEvent(verifySignature(payload, signatureHeader, secret, options));
}

/** Checks the signature and its age with `node:crypto`; answers the verified body's text. */
export function verifySignature(
  payload: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options?: VerifyOptions,
): string {
  const prepared = prepareVerification(payload, signatureHeader, secret);
  const prefix = signedPrefix(prepared.header);
  const crypto = nodeCrypto();
  if (!crypto) return verifyWithoutNodeCrypto(prepared, prefix, options);
  let matched = false;
  for (const key of prepared.secrets) {
    encoder.encodeInto(crypto.createHmac('sha256', hmacKey(crypto, key)).update(prefix).update(prepared.payload.signed).digest('hex'), expectedBytes);
    // Every candidate is compared (no early exit), so the time does not say which one matched.
    for (const candidate of prepared.header.signatures) if (sameSignature(crypto, candidate)) matched = true;
  }
  return verifiedText(prepared, matched, options);
}

function verifyWithoutNodeCrypto(prepared: PreparedVerification, prefix: string, options: VerifyOptions | undefined): string {
  let matched = false;
  for (const key of prepared.secrets) {
    const expected = hmacSha256Hex(key, prefix, prepared.payload.signed);
    for (const candidate of prepared.header.signatures) if (constantTimeEqual(candidate, expected)) matched = true;
  }
  return verifiedText(prepared, matched, options);
}

function hmacKey(crypto: typeof NodeCrypto, secret: string): NodeCrypto.KeyObject {
  let key = keyCache.get(secret);
  if (!key) {
    if (keyCache.size >= maxCachedKeys) keyCache.clear();
    // The same bytes `createHmac` takes from a string key: its UTF-8 encoding.
    key = crypto.createSecretKey(secret, 'utf8');
    keyCache.set(secret, key);
  }
  return key;
}

/**
 * Whether `candidate` is the text in `expectedBytes`, compared with `timingSafeEqual`. As
 * stripe-node compares them, as text: uppercase hex does not match. Lengths are public (every
 * signature is 64 characters), so only the comparison of equal lengths needs constant time.
 */
function sameSignature(crypto: typeof NodeCrypto, candidate: string): boolean {
  if (candidate.length !== signatureBytes) return false;
  // All 64 characters fit in 64 bytes only if each is ASCII, one byte each. Nothing between this
  // write and the comparison can run other code, so the shared arrays cannot change under it.
  if (encoder.encodeInto(candidate, givenBytes).read !== signatureBytes) return false;
  return crypto.timingSafeEqual(givenBytes, expectedBytes);
}
