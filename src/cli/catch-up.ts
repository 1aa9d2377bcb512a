import { catchUp, type CatchUpHandler, type CatchUpProgress, type CatchUpResult } from '../catch-up/catch-up.js';
import { CatchUpError } from '../catch-up/catch-up-error.js';
import type { ProcessOutcome } from '../processing/process-event.js';
import { parseCommandLine, parseForwardTo, resolveSecret } from './args.js';
import { createCatchUpReporter } from './catch-up-reporter.js';
import { deliver, type DeliveryResult, type DeliveryTarget } from './deliver.js';
import { CliError, usageError } from './errors.js';
import { parseEventTypeList } from './event-type-list.js';
import type { CliIo } from './io.js';
import { createStripeClient } from './stripe-api-client.js';

const permissions = 'Events: read';

/**
 * `catch-up`: lists the events the Events API holds since `--since`, oldest first, and with
 * `--forward-to` re-sends each one to the app's endpoint, signed with `--secret`, as
 * `stripe events resend` does. The app answers events it already processed as duplicates through
 * its own store, so running it twice sends handlers nothing twice. Resolves to the exit code.
 */
export async function catchUpCommand(args: readonly string[], io: CliIo, userAgent: string): Promise<number> {
  const { values, positionals } = parseCommandLine('catch-up', args, {
    'api-key': { type: 'string' },
    'api-base': { type: 'string' },
    since: { type: 'string' },
    undelivered: { type: 'boolean' },
    types: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    'forward-to': { type: 'string' },
    secret: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}" (see: stripe-webhook-kit catch-up --help)`);
  if (values.since === undefined) throw usageError('missing --since: how far back to look, e.g. --since 72h (Stripe retries for 3 days; the Events API keeps 30)');
  const types = parseEventTypeList(values.types);
  const dryRun = values['dry-run'] === true || values['forward-to'] === undefined;
  const target: DeliveryTarget | undefined = dryRun
    ? undefined
    : { url: parseForwardTo(values['forward-to']), secret: resolveSecret(values.secret, io.env), userAgent };
  const stripe = await createStripeClient(values, io, permissions);

  const reporter = createCatchUpReporter({ stdout: io.stdout, stderr: io.stderr, env: io.env, json: values.json === true, forwarding: target !== undefined });
  let lastDelivery: DeliveryResult | undefined;
  const handler: CatchUpHandler | undefined = target && {
    async process(event) {
      lastDelivery = await deliver(event, target);
      return outcomeOf(lastDelivery);
    },
  };
  reporter.start({ since: values.since, undelivered: values.undelivered === true, types, target });

  let result: CatchUpResult;
  try {
    result = await catchUp({
      stripe: stripe,
      since: values.since,
      types,
      undeliveredOnly: values.undelivered === true,
      dryRun,
      handler,
      logger: false,
      onProgress: (progress: CatchUpProgress) => reporter.event(progress, lastDelivery),
    });
  } catch (error) {
    reporter.interrupted();
    if (!CatchUpError.is(error)) throw error;
    throw error.code === 'invalid_since' ? usageError(`--since ${error.message.replace(/^catchUp: `since` /, '')}`) : new CliError(error.message, 1);
  }
  reporter.summary(result, dryRun);
  return result.failed === 0 ? 0 : 1;
}

/** What the app's answer says became of the event (the status contract, README.md). */
function outcomeOf(delivery: DeliveryResult): ProcessOutcome {
  if (delivery.status === 409) return 'in_progress';
  if (!delivery.ok) return 'failed';
  if (/"duplicate"\s*:\s*true/.test(delivery.response)) return 'duplicate';
  if (/"discarded"\s*:\s*true/.test(delivery.response)) return 'discarded';
  return 'processed';
}
