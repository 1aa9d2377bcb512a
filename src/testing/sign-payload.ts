import { createHmac } from 'node:crypto';

/** Options of `signPayload`. */
export interface SignPayloadOptions {
  /** Unix seconds to sign with. Default now. */
  timestamp?: number;
}

/**
 * Signs a payload the way Stripe does and returns the `Stripe-Signature` header value
 * (`t=<unix>,v1=<hex hmac-sha256 of "<t>.<payload>">`).
 */
export function signPayload(payload: string, secret: string, options: SignPayloadOptions = {}): string {
  if (typeof payload !== 'string') throw new TypeError('signPayload: the payload must be the exact string that will be sent as the body.');
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('signPayload: the secret must be a non-empty string (whsec_...).');
  const timestamp = Math.floor(options.timestamp ?? Date.now() / 1000);
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}
