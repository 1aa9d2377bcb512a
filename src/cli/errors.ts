/**
 * An error the CLI reports as one line, without a stack, and exits with `exitCode`:
 * 2 when nothing was sent because the command line or an input file is wrong, 1 when deliveries
 * were attempted and did not all get a 2xx (a server that cannot be reached included).
 */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/** A mistake in the command line or its input: exit code 2, and nothing was sent. */
export function usageError(message: string): CliError {
  return new CliError(message, 2);
}
