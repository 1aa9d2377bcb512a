import { hasErrorBrand, setErrorBrand } from '../error-brand.js';
/** Why an inbox operation failed: switch on `InboxError.code`. */
export type InboxErrorCode = 'inbox_unavailable' | 'lease_lost' | 'invalid_options' | 'stripe_client_required';

/** An inbox failure, with a `code` to switch on and a message that says what to do. */
export class InboxError extends Error {
  override readonly name: string = 'InboxError';
  readonly code: InboxErrorCode;

  constructor(code: InboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    setErrorBrand(this, 'InboxError');
    this.code = code;
  }

  /** `true` for an `InboxError` from any copy of this package (ESM or CJS), where `instanceof` fails. */
  static is(value: unknown): value is InboxError {
    return hasErrorBrand(value, 'InboxError');
  }
}

/**
 * The handlers ran longer than `leaseMs` and another worker took the event over: this attempt's
 * outcome is not recorded. Raise `leaseMs` above the slowest handler.
 */
export class InboxLeaseLostError extends InboxError {
  override readonly name = 'InboxLeaseLostError';

  constructor(eventId: string, leaseMs: number) {
    super('lease_lost', `event ${eventId}: the handlers outlived the lease (leaseMs ${leaseMs}) and another worker took the event over; raise leaseMs above your slowest handler.`);
    setErrorBrand(this, 'InboxLeaseLostError');
  }

  /** `true` for an `InboxLeaseLostError` from any copy of this package; `InboxError.is()` is `true` for it too. */
  static override is(value: unknown): value is InboxLeaseLostError {
    return hasErrorBrand(value, 'InboxLeaseLostError');
  }
}

/** `instanceof` itself throws on some values a handler may throw (a revoked Proxy): asked safely. */
export function isLeaseLost(error: unknown): error is InboxLeaseLostError {
  try {
    return error instanceof InboxLeaseLostError;
  } catch {
    return false;
  }
}
