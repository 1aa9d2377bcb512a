const brand = Symbol.for('stripe-webhook-kit.NonRetryableError');

/**
 * Throw from a handler when retrying cannot help (the order does not exist, the event is for
 * another app). The delivery is acknowledged with 200, the event is recorded as done, and the
 * router's `onError` handlers still see it.
 */
export class NonRetryableError extends Error {
  override readonly name = 'NonRetryableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, brand, { value: true });
  }

  /** True for a `NonRetryableError` from any copy of this package (ESM or CJS). */
  static is(value: unknown): value is NonRetryableError {
    try {
      return typeof value === 'object' && value !== null && brand in value;
    } catch {
      // A revoked Proxy throws on `in`: whatever it is, it is not one of these.
      return false;
    }
  }
}
