import { WebhookVerificationError } from './errors.js';

export interface ParsedSignatureHeader {
  /** Unix seconds, parsed the way stripe-node does (`parseInt`), so the HMAC input agrees. */
  timestamp: number;
  /** Every `v1` value, in order. */
  signatures: string[];
}

/**
 * Splits `t=<unix>,v1=<hex>[,v1=<hex>...]`. The rules follow stripe-node 23 to the letter so that
 * both accept and reject the same headers: parts split on `,` and `=`, keys are exact (`t`, `v1`),
 * the last `t` wins, other schemes such as `v0` are ignored, and an empty `v1` is an error.
 */
export function parseSignatureHeader(header: string | readonly string[] | null | undefined): ParsedSignatureHeader {
  if (Array.isArray(header)) {
    throw new WebhookVerificationError(
      'malformed_signature',
      'Received several Stripe-Signature headers; Stripe sends exactly one. Pass the single header value.',
    );
  }
  if (header === null || header === undefined || header === '') {
    throw new WebhookVerificationError(
      'missing_signature',
      'No Stripe-Signature header was provided. Make sure the request comes from Stripe (or `stripe-webhook-kit trigger`) and that a proxy does not strip the header.',
    );
  }
  if (typeof header !== 'string') {
    throw new WebhookVerificationError('malformed_signature', 'The Stripe-Signature header must be a string.');
  }

  let timestamp = -1;
  const signatures: string[] = [];
  let emptySignature = false;
  // One pass with indexOf instead of `split(',')` then `split('=')` on each part: the same parts,
  // keys and values, without an array per part (this runs on every delivery; see bench/).
  const length = header.length;
  // The next '=' at or after the current position. Positions only grow, so the string is scanned
  // once however many parts it has (no quadratic cost on a hostile header of many commas).
  let equalsAt = header.indexOf('=');
  for (let start = 0; start <= length; ) {
    const commaAt = header.indexOf(',', start);
    const end = commaAt === -1 ? length : commaAt;
    if (equalsAt !== -1 && equalsAt < start) equalsAt = header.indexOf('=', start);
    const keyEnd = equalsAt === -1 || equalsAt > end ? end : equalsAt;
    const keyLength = keyEnd - start;
    const isTimestamp = keyLength === 1 && header[start] === 't';
    const isV1 = keyLength === 2 && header.startsWith('v1', start);
    if (isTimestamp || isV1) {
      // As `part.split('=')[1]`: up to the part's next '=' or its end; absent without any '='.
      let value: string | undefined;
      if (keyEnd < end) {
        if (equalsAt !== -1 && equalsAt <= keyEnd) equalsAt = header.indexOf('=', keyEnd + 1);
        value = header.slice(keyEnd + 1, equalsAt === -1 || equalsAt > end ? end : equalsAt);
      }
      if (isTimestamp) timestamp = parseInt(value as string, 10);
      else {
        if (!value) emptySignature = true;
        signatures.push(value ?? '');
      }
    }
    start = end + 1;
  }

  if (timestamp === -1) {
    throw new WebhookVerificationError(
      'malformed_signature',
      'The Stripe-Signature header has no timestamp (`t=`). Expected `t=<unix seconds>,v1=<signature>`.',
    );
  }
  if (signatures.length === 0) {
    throw new WebhookVerificationError(
      'malformed_signature',
      'The Stripe-Signature header has no `v1` signature (other schemes such as `v0` are ignored). Expected `t=<unix seconds>,v1=<signature>`.',
    );
  }
  if (emptySignature) {
    throw new WebhookVerificationError('malformed_signature', 'The Stripe-Signature header has an empty `v1` signature.');
  }
  return { timestamp, signatures };
}
