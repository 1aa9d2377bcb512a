import { invalidOption } from '../options.js';
import { hmacSha256Hex } from '../verify/hmac-sha256-hex.js';
import { nodeCrypto } from '../verify/node-crypto.js';

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
  if (typeof payload !== 'string') throw invalidOption('type', 'signPayload', 'payload', 'the exact string that will be sent as the body (JSON.stringify it once, and send that string)', payload);
  if (typeof secret !== 'string' || secret.length === 0) throw invalidOption('type', 'signPayload', 'secret', "the endpoint's signing secret, a non-empty string (whsec_...)", secret);
  const timestamp = Math.floor(options.timestamp ?? Date.now() / 1000);
  const signed = `${timestamp}.${payload}`;
  const crypto = nodeCrypto();
  const signature = crypto ? crypto.createHmac('sha256', secret).update(signed, 'utf8').digest('hex') : hmacSha256Hex(secret, signed);
  return `t=${timestamp},v1=${signature}`;
}
