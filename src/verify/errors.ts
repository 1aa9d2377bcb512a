import { hasErrorBrand, setErrorBrand } from '../error-brand.js';

/** Why a delivery failed verification; switch on it rather than on the message. */
export type WebhookVerificationErrorCode =
  | 'missing_secret'
  | 'missing_signature'
  | 'malformed_signature'
  | 'no_matching_signature'
  | 'timestamp_out_of_tolerance'
  | 'body_not_raw'
  | 'invalid_json'
  | 'not_an_event';

// Configuration problems are the server's fault (500: Stripe keeps retrying while it is fixed);
// everything else is a bad request that no retry can mend.
const statusByCode: Record<WebhookVerificationErrorCode, number> = {
  missing_secret: 500,
  body_not_raw: 500,
  missing_signature: 400,
  malformed_signature: 400,
  no_matching_signature: 400,
  timestamp_out_of_tolerance: 400,
  invalid_json: 400,
  not_an_event: 400,
};

/** Thrown when a delivery cannot be trusted or read. The message says how to fix it. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  readonly code: WebhookVerificationErrorCode;
  /** The HTTP status an endpoint should answer. */
  readonly status: number;

  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.code = code;
    this.status = statusByCode[code];
    setErrorBrand(this, 'WebhookVerificationError');
  }

  /** `true` for a verification error, also one from another copy of the package (where `instanceof` fails). */
  static is(value: unknown): value is WebhookVerificationError {
    return hasErrorBrand(value, 'WebhookVerificationError');
  }
}
