import type Stripe from 'stripe';
import { parseApiBase, resolveApiKey } from './args.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';
import { packageVersion } from './version.js';

export interface StripeApiFlags {
  'api-key'?: string;
  'api-base'?: string;
  'api-version'?: string;
}

/**
 * A stripe-node client for the commands that read the account. `stripe` is a peer dependency, so
 * it is loaded only here, from the project the command runs in, with the fix when it is missing.
 */
export async function createStripeClient(flags: StripeApiFlags, io: Pick<CliIo, 'env' | 'stderr'>, permissions: string): Promise<Stripe> {
  const { env } = io;
  const apiKey = resolveApiKey(flags['api-key'], env, permissions);
  const base = parseApiBase(flags['api-base'] ?? env.STRIPE_API_BASE);
  let StripeClient: typeof Stripe;
  try {
    StripeClient = (await import('stripe')).default;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new CliError('this command reads your Stripe account with stripe-node, which is not installed: run `npm install stripe` in your project', 2);
  }
  // Another host gets the key: say which, so a STRIPE_API_BASE left in the environment is seen.
  if (base) io.stderr.write(`sending the API key to ${base.protocol}://${base.host.includes(':') ? `[${base.host}]` : base.host}:${base.port} (${flags['api-base'] === undefined ? 'STRIPE_API_BASE' : '--api-base'})\n`);
  const config: NonNullable<ConstructorParameters<typeof Stripe>[1]> = {
    ...base,
    // Listing is idempotent: stripe-node retries a failed read with backoff before the run stops.
    maxNetworkRetries: 2,
    appInfo: { name: 'stripe-webhook-kit', version: packageVersion() },
  };
  if (flags['api-version'] !== undefined) (config as { apiVersion?: string }).apiVersion = flags['api-version'];
  return new StripeClient(apiKey, config);
}
