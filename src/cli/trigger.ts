import { appendFile } from 'node:fs/promises';
import { createTestEvent } from '../testing/create-test-event.js';
import { createTestNotification } from '../testing/create-test-notification.js';
import type { StripeEventType } from '../types.js';
import { parseCommandLine, parseForwardTo, parseMetadata, parsePositiveInteger, resolveSecret, singlePositional } from './args.js';
import { deliver, type DeliveryTarget } from './deliver.js';
import { CliError, usageError } from './errors.js';
import { eventTypes } from '../generated/event-types.js';
import type { CliIo } from './io.js';
import { createReporter } from './reporter.js';
import { sendAll } from './send-all.js';
import { closestMatch } from './suggest.js';
import { summarize } from './summarize.js';
import { triggerWarnings } from './trigger-warnings.js';

const paymentStatuses = ['paid', 'unpaid', 'no_payment_required'] as const;
const knownTypes: ReadonlySet<string> = new Set(eventTypes);

/** `trigger <event-type>`: the offline `stripe trigger`. Resolves to the exit code. */
export async function trigger(args: readonly string[], io: CliIo, userAgent: string): Promise<number> {
  const { values, positionals } = parseCommandLine('trigger', args, {
    'forward-to': { type: 'string' },
    secret: { type: 'string' },
    metadata: { type: 'string', multiple: true },
    'client-reference-id': { type: 'string' },
    'payment-status': { type: 'string' },
    repeat: { type: 'string' },
    concurrency: { type: 'string' },
    save: { type: 'string' },
    json: { type: 'boolean' },
    thin: { type: 'boolean' },
  });
  const type = parseEventType(singlePositional('trigger', positionals, 'event-type'));
  const target: DeliveryTarget = { url: parseForwardTo(values['forward-to']), secret: resolveSecret(values.secret, io.env), userAgent };
  const clientReferenceId = values['client-reference-id'];
  const thin = values.thin === true;
  if (thin && (values.metadata !== undefined || values['payment-status'] !== undefined)) {
    throw usageError('--metadata and --payment-status do not apply with --thin: a thin notification carries no object, only a reference to it');
  }
  const object = eventObjectOverrides(type, values.metadata, values['payment-status']);
  if (clientReferenceId !== undefined) object.client_reference_id = clientReferenceId;
  const repeat = parsePositiveInteger('--repeat', values.repeat, 1);
  const concurrency = parsePositiveInteger('--concurrency', values.concurrency, 1);
  const saveTo = values.save;

  // Before anything is sent: a discarded checkout looks like success (200, exit 0) otherwise.
  const warnings = triggerWarnings({
    type,
    metadata: parseMetadata(values.metadata),
    clientReferenceId,
    paymentStatus: values['payment-status'],
    forwardTo: values['forward-to'] ?? '',
    url: target.url,
  });
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);

  const reporter = createReporter({ stdout: io.stdout, env: io.env, json: values.json === true, total: repeat });
  if (saveTo !== undefined) await checkWritable(saveTo);
  const what = `${repeat === 1 ? '' : `${repeat} `}${thin ? `v1.${type}` : type}${repeat === 1 ? '' : ' events'}${thin ? ' (thin)' : ''}`;
  reporter.start(`Sending ${what} to ${target.url.href}${concurrency > 1 ? ` (concurrency ${concurrency})` : ''}`);

  const results = await sendAll(
    repeat,
    concurrency,
    async () => {
      // A new event each time, with its own id, as Stripe would create for each occurrence. The
      // type is only known at run time, so the overrides cannot be checked against it statically.
      const snapshot = createTestEvent(type, { data: { object } });
      // --thin: the thin notification of that occurrence, as an endpoint with thin payloads gets it.
      const event = thin ? withoutSnapshotLink(createTestNotification(snapshot)) : snapshot;
      if (saveTo !== undefined) await saveEvent(saveTo, event);
      return deliver(event, target);
    },
    (result) => reporter.delivery(result),
  ).catch((error: unknown) => {
    reporter.interrupted();
    throw error;
  });
  const summary = summarize(results);
  reporter.summary(summary);
  return summary.failed === 0 ? 0 : 1;
}

function parseEventType(type: string): StripeEventType {
  if (knownTypes.has(type)) return type as StripeEventType;
  const suggestion = closestMatch(type, eventTypes);
  const hint = suggestion ? `; did you mean "${suggestion}"?` : '; see https://docs.stripe.com/api/events/types';
  throw usageError(`unknown event type "${type}"${hint}`);
}

/** What `--metadata` and `--payment-status` change on `data.object`. */
function eventObjectOverrides(type: StripeEventType, metadataPairs: string[] | undefined, paymentStatus: string | undefined): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const metadata = parseMetadata(metadataPairs);
  if (Object.keys(metadata).length > 0) object.metadata = metadata;
  if (paymentStatus !== undefined) {
    if (!type.startsWith('checkout.session.')) throw usageError(`--payment-status applies to checkout.session.* events, not ${type}`);
    if (!(paymentStatuses as readonly string[]).includes(paymentStatus)) {
      throw usageError(`--payment-status must be one of ${paymentStatuses.join(', ')}, got "${paymentStatus}"`);
    }
    object.payment_status = paymentStatus;
  }
  return object;
}

// An endpoint that only has thin payloads gets no `snapshot_event`: that link exists only while
// an account sends both kinds (a migration).
function withoutSnapshotLink<N extends { snapshot_event?: string }>(notification: N): N {
  const standalone = { ...notification };
  delete standalone.snapshot_event;
  return standalone;
}

// Checked before the first delivery, so that a bad path is a usage error with nothing sent.
async function checkWritable(path: string): Promise<void> {
  try {
    await appendFile(path, '');
  } catch (error) {
    throw usageError(`cannot write --save file "${path}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function saveEvent(path: string, event: object): Promise<void> {
  try {
    await appendFile(path, `${JSON.stringify(event)}\n`);
  } catch (error) {
    throw new CliError(`cannot write --save file "${path}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 1);
  }
}
