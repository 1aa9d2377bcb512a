import { CatchUpError } from '../catch-up/catch-up-error.js';
import { checkEndpoints, type EndpointCheckResult, type EndpointReport } from '../catch-up/check-endpoints.js';
import { parseCommandLine } from './args.js';
import { createPalette, shouldUseColor, type Palette } from './colors.js';
import { CliError, usageError } from './errors.js';
import { parseEventTypeList } from './event-type-list.js';
import type { CliIo } from './io.js';
import { createStripeClient } from './stripe-api-client.js';
import { closestMatch } from './suggest.js';

const permissions = 'Webhook Endpoints: read';
const subcommands = ['check'];

/**
 * `endpoints check`: compares the event types the app handles (`--types`) with every webhook
 * endpoint's enabled_events, status and API version. Exit 0 without drift, 1 with drift (each
 * printed with what to change), 2 for a usage error.
 */
export async function endpoints(args: readonly string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'check') {
    const suggestion = subcommand === undefined ? undefined : closestMatch(subcommand, subcommands);
    throw usageError(
      subcommand === undefined
        ? 'missing the subcommand: stripe-webhook-kit endpoints check --api-key rk_... --types <type,...>'
        : `unknown subcommand "endpoints ${subcommand}"${suggestion ? `; did you mean "endpoints ${suggestion}"?` : ''} (see: stripe-webhook-kit endpoints --help)`,
    );
  }
  const { values, positionals } = parseCommandLine('endpoints', rest, {
    'api-key': { type: 'string' },
    'api-base': { type: 'string' },
    'api-version': { type: 'string' },
    types: { type: 'string', multiple: true },
    url: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}" (see: stripe-webhook-kit endpoints --help)`);
  const types = parseEventTypeList(values.types) ?? [];
  const stripe = await createStripeClient(values, io, permissions);

  let result: EndpointCheckResult;
  try {
    result = await checkEndpoints({ stripe: stripe, types, url: values.url });
  } catch (error) {
    if (CatchUpError.is(error)) throw new CliError(error.message.replace(/^checkEndpoints: /, ''), 1);
    throw error;
  }
  if (values.json === true) io.stdout.write(`${JSON.stringify(result)}\n`);
  else io.stdout.write(formatCheck(result, createPalette(shouldUseColor(io.stdout, io.env))));
  return result.ok ? 0 : 1;
}

function formatCheck(result: EndpointCheckResult, color: Palette): string {
  const lines: string[] = [];
  const what = result.types.length > 0 ? result.types.join(', ') : 'no --types given: status and API version only';
  lines.push(color.dim(`Checking ${result.endpoints.length} webhook endpoint${result.endpoints.length === 1 ? '' : 's'} for: ${what} (API version ${result.apiVersion ?? 'unknown'})`));
  for (const endpoint of result.endpoints) lines.push(formatEndpoint(endpoint, color));
  if (result.ok) {
    lines.push(color.green('no drift: every endpoint is enabled, sends the handled types and uses the same API version'));
  } else {
    lines.push('', 'To change:');
    for (const drift of result.drift) lines.push(`  - ${drift.message}`);
    lines.push('', color.red(`${result.drift.length} drift${result.drift.length === 1 ? '' : 's'}`) + ': change the endpoints as above (Dashboard > Developers > Webhooks), then run this again');
  }
  return `${lines.join('\n')}\n`;
}

function formatEndpoint(endpoint: EndpointReport, color: Palette): string {
  const sends = endpoint.enabledEvents.includes('*') ? 'all events (*)' : `${endpoint.enabledEvents.length} event type${endpoint.enabledEvents.length === 1 ? '' : 's'}`;
  const state = endpoint.drift.length === 0 ? color.green('ok') : color.red(endpoint.drift.map((drift) => drift.code).join(', '));
  return `${endpoint.id}  ${endpoint.url}  ${endpoint.status}  api ${endpoint.apiVersion ?? 'account default'}  sends ${sends}  ${state}`;
}
