import { createHmac, timingSafeEqual } from 'node:crypto';
import type Stripe from 'stripe';
import type { RawBody, VerifyOptions } from '../types.js';
import { finishVerification, prepareVerification, signedPrefix } from './verification-steps.js';

/**
 * Verifies a Stripe webhook delivery and returns its event, synchronously, with `node:crypto`.
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
  const prepared = prepareVerification(payload, signatureHeader, secret);
  const prefix = signedPrefix(prepared.header);
  let matched = false;
  for (const key of prepared.secrets) {
    const expected = Buffer.from(createHmac('sha256', key).update(prefix).update(prepared.payload.signed).digest('hex'));
    for (const candidate of prepared.header.signatures) {
      // Compared as text, like stripe-node: uppercase hex does not match.
      const given = Buffer.from(candidate);
      if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
    }
  }
  return finishVerification(prepared, matched, options);
}
