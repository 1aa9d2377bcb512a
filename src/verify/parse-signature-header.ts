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
  for (const part of header.split(',')) {
    const [key, value] = part.split('=');
    if (key === 't') timestamp = parseInt(value as string, 10);
    else if (key === 'v1') {
      if (!value) emptySignature = true;
      signatures.push(value ?? '');
    }
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
