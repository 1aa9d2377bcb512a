/** Why the console refused its options: switch on `ConsoleError.code`. */
export type ConsoleErrorCode = 'console_invalid_options';

/** A console misconfiguration, found when the handler is created, with a message that says the fix. */
export class ConsoleError extends Error {
  override readonly name = 'ConsoleError';
  readonly code: ConsoleErrorCode;

  constructor(code: ConsoleErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
