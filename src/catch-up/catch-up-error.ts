import { hasErrorBrand, setErrorBrand } from '../error-brand.js';
/** What stopped a catch-up run or an endpoint check; switch on `code`. */
export type CatchUpErrorCode =
  | 'invalid_options'
  | 'invalid_since'
  | 'stripe_api_error'
  | 'store_unavailable'
  | 'inbox_unavailable';

/**
 * Thrown by `catchUp` and `checkEndpoints`. When a run stops part-way, `result` holds the counters
 * up to that point: everything counted as processed is recorded in the store, so running catch-up
 * again resumes without running those events' handlers twice.
 */
export class CatchUpError<R = unknown> extends Error {
  override readonly name = 'CatchUpError';

  constructor(
    readonly code: CatchUpErrorCode,
    message: string,
    readonly result?: R,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    setErrorBrand(this, 'CatchUpError');
  }

  /** True for a `CatchUpError` from any copy of this package. */
  static is(value: unknown): value is CatchUpError {
    return hasErrorBrand(value, 'CatchUpError');
  }
}
