import { hasErrorBrand, setErrorBrand } from '../error-brand.js';
/** Why the console refused its options: switch on `ConsoleError.code`. */
export type ConsoleErrorCode = 'console_invalid_options';

/** A console misconfiguration, found when the handler is created, with a message that says the fix. */
export class ConsoleError extends Error {
  override readonly name = 'ConsoleError';
  readonly code: ConsoleErrorCode;

  constructor(code: ConsoleErrorCode, message: string) {
    super(message);
    setErrorBrand(this, 'ConsoleError');
    this.code = code;
  }

  /** `true` for a `ConsoleError` from any copy of this package (ESM or CJS), where `instanceof` fails. */
  static is(value: unknown): value is ConsoleError {
    return hasErrorBrand(value, 'ConsoleError');
  }
}
