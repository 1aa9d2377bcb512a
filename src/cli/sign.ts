import { signPayload } from '../testing/sign-payload.js';
import { parseCommandLine, resolveSecret, singlePositional } from './args.js';
import { usageError } from './errors.js';
import type { CliIo } from './io.js';
import { readInput } from './read-input.js';

/** `sign <payload-file>`: prints the Stripe-Signature header value. Resolves to the exit code. */
export async function sign(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine('sign', args, {
    secret: { type: 'string' },
    timestamp: { type: 'string' },
  });
  const path = singlePositional('sign', positionals, 'payload-file');
  const secret = resolveSecret(values.secret, io.env);
  const timestamp = parseTimestamp(values.timestamp);
  const payload = await readInput(path, 'payload file', io.stdin);
  io.stdout.write(`${signPayload(payload, secret, { timestamp })}\n`);
  return 0;
}

function parseTimestamp(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usageError(`--timestamp must be Unix seconds, e.g. ${Math.floor(Date.now() / 1000)}, got "${value}"`);
  return Number(value);
}
