import { hasErrorBrand, setErrorBrand } from '../error-brand.js';

/**
 * Throw from a handler when retrying cannot help (the order does not exist, the event is for
 * another app). The delivery is acknowledged with 200, the event is recorded as done, and the
 * router's `onError` handlers still see it.
 */
export class NonRetryableError extends Error {
  override readonly name = 'NonRetryableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    setErrorBrand(this, 'NonRetryableError');
  }

  /** True for a `NonRetryableError` from any copy of this package (ESM or CJS). */
  static is(value: unknown): value is NonRetryableError {
    return hasErrorBrand(value, 'NonRetryableError');
  }
}
