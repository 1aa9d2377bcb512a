import type Stripe from 'stripe';
import type { RawBody, VerifyOptions } from '../types.js';
import { constantTimeEqual } from './constant-time-equal.js';
import { parseEvent } from './parse-event.js';
import { prepareVerification, signedPrefix, verifiedText } from './verification-steps.js';

const encoder = new TextEncoder();
// Importing a key is the slow part of Web Crypto HMAC; a process has few secrets.
const keyCache = new Map<string, Promise<CryptoKey>>();
const maxCachedKeys = 32;

/**
 * Verifies a Stripe webhook delivery with Web Crypto only, for runtimes without `node:crypto`
 * (Workers, Deno, Bun, edge functions). Same decisions and errors as {@link verifyAndParse}.
 */
export async function verifyAndParseAsync(
  payload: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options?: VerifyOptions,
): Promise<Stripe.Event> {
  return parseEvent(await verifySignatureAsync(payload, signatureHeader, secret, options));
}

/** Checks the signature and its age with Web Crypto; answers the verified body's text. */
export async function verifySignatureAsync(
  payload: RawBody,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options?: VerifyOptions,
): Promise<string> {
  const prepared = prepareVerification(payload, signatureHeader, secret);
  const prefix = encoder.encode(signedPrefix(prepared.header));
  const body = typeof prepared.payload.signed === 'string' ? encoder.encode(prepared.payload.signed) : prepared.payload.signed;
  const content = new Uint8Array(prefix.byteLength + body.byteLength);
  content.set(prefix, 0);
  content.set(body, prefix.byteLength);

  let matched = false;
  for (const key of prepared.secrets) {
    const digest = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(key), content));
    const expected = toHex(digest);
    for (const candidate of prepared.header.signatures) {
      if (constantTimeEqual(candidate, expected)) matched = true;
    }
  }
  return verifiedText(prepared, matched, options);
}

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    if (keyCache.size >= maxCachedKeys) keyCache.clear();
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keyCache.set(secret, key);
  }
  return key;
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
