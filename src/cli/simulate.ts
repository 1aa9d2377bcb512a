import type Stripe from 'stripe';
import { checkoutScenario, checkoutScenarioNames, type CheckoutScenarioName } from '../testing/checkout-scenario.js';
import { simulateDeliveries, type SimulatedDelivery } from '../testing/simulate-deliveries.js';
import type { SimulationSummary } from '../testing/simulation-summary.js';
import { parseCommandLine, parseForwardTo, parsePositiveInteger, resolveSecret } from './args.js';
import { createPalette, shouldUseColor } from './colors.js';
import type { DeliveryResult } from './deliver.js';
import { usageError } from './errors.js';
import type { CliIo } from './io.js';
import { createReporter } from './reporter.js';
import { closestMatch } from './suggest.js';
import { summarize } from './summarize.js';

// The run must end within a minute, whatever the server does: no request starts after 45 s,
// and none waits more than 5 s for its answer.
const timeLimitMs = 45_000;
const timeoutMs = 5_000;

/** `simulate --scenario <name>`: Stripe's delivery behaviour against a local endpoint. Resolves to the exit code. */
export async function simulate(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine('simulate', args, {
    'forward-to': { type: 'string' },
    secret: { type: 'string' },
    scenario: { type: 'string', multiple: true },
    'order-id': { type: 'string', multiple: true },
    count: { type: 'string' },
    seed: { type: 'string' },
    duplicates: { type: 'string' },
    reorder: { type: 'boolean' },
    concurrency: { type: 'string' },
    'max-attempts': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}" (see: stripe-webhook-kit simulate --help)`);
  const url = parseForwardTo(values['forward-to']);
  const secret = resolveSecret(values.secret, io.env);
  const scenarios = parseScenarios(values.scenario);
  const count = parsePositiveInteger('--count', values.count, 1);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : parseSeed(values.seed);
  const duplicates = parseShare(values.duplicates);
  const concurrency = parsePositiveInteger('--concurrency', values.concurrency, 1);
  const maxAttempts = values['max-attempts'] === undefined ? undefined : parsePositiveInteger('--max-attempts', values['max-attempts'], 1);
  const flows = scenarios.flatMap((scenario) => Array.from({ length: count }, () => scenario));
  const orderIds = resolveOrderIds(values['order-id'], flows.length, seed);
  const events = flows.flatMap((scenario, index): Stripe.Event[] => checkoutScenario(scenario, { orderId: orderIds[index] as string }));

  const json = values.json === true;
  const reporter = createReporter({ stdout: io.stdout, env: io.env, json, total: undefined });
  const flowText = scenarios.map((scenario) => (count > 1 ? `${count} x ${scenario}` : scenario)).join(', ');
  const behaviour = [`seed ${seed}`, `duplicates ${duplicates}`, values.reorder ? 'reordered' : 'in created order', `concurrency ${concurrency}`].join(', ');
  reporter.start(`Simulating ${flowText} (${events.length} events, orders ${orderIds.join(' ')}) to ${url.href}: ${behaviour}`);

  const run = await simulateDeliveries({
    url,
    secret,
    events,
    seed,
    duplicates,
    reorder: values.reorder === true,
    concurrency,
    retry: maxAttempts === undefined ? 'compressed' : { maxAttempts },
    timeLimitMs,
    timeoutMs,
    onDelivery: (delivery) => reporter.delivery(toDeliveryResult(delivery, url)),
  });
  const { summary } = run;
  // The JSON summary line carries the simulation's own counts beside the usual ones.
  const jsonSummary = { ...summarize(run.deliveries.map((delivery) => toDeliveryResult(delivery, url))), seed: run.seed, ...summary };
  reporter.summary(jsonSummary);
  if (!json) printSimulationSummary(io, summary, run.seed);
  return summary.unacknowledged.length === 0 ? 0 : 1;
}

function toDeliveryResult(delivery: SimulatedDelivery, url: URL): DeliveryResult & Record<string, unknown> {
  const label = [delivery.copy > 1 ? `copy ${delivery.copy}${delivery.concurrent ? ' (concurrent)' : ''}` : '', delivery.attempt > 1 ? `attempt ${delivery.attempt}` : ''].filter(Boolean).join(', ');
  return {
    eventType: delivery.type,
    eventId: delivery.eventId,
    url: url.href,
    status: delivery.status,
    ok: delivery.ok,
    latencyMs: delivery.durationMs,
    response: delivery.error === undefined ? delivery.body : `no answer: ${delivery.error}`,
    ...(label ? { label } : {}),
    copy: delivery.copy,
    attempt: delivery.attempt,
    concurrent: delivery.concurrent,
    scheduledAt: Math.round(delivery.scheduledAt * 1000) / 1000,
  };
}

function printSimulationSummary(io: CliIo, summary: SimulationSummary, seed: number): void {
  const color = createPalette(shouldUseColor(io.stdout, io.env));
  const never = summary.unacknowledged.length;
  io.stdout.write(
    `events ${summary.events}: ${color.green(`acknowledged ${summary.acknowledged}`)}, ${never > 0 ? color.red(`never acknowledged ${never}`) : 'never acknowledged 0'}; ` +
      `duplicates ${summary.duplicates} (${summary.concurrentDuplicates} concurrent), retries ${summary.retries}, out of order ${summary.outOfOrder}\n`,
  );
  for (const event of summary.unacknowledged) {
    const last = event.lastStatus === undefined ? 'never sent (time limit)' : `last answer ${event.lastStatus === 0 ? 'none' : event.lastStatus} ${event.lastBody ?? ''}`.trim();
    io.stdout.write(`${color.red('never acknowledged:')} ${event.type} ${event.eventId} after ${event.deliveries} deliveries, ${last}\n`);
  }
  if (summary.stoppedByTimeLimit) io.stdout.write(`stopped after ${timeLimitMs / 1000} s, before the retry schedule ended\n`);
  io.stdout.write(`${color.dim(`seed ${seed}: pass --seed ${seed} to replay this schedule`)}\n`);
}

function parseScenarios(names: readonly string[] | undefined): CheckoutScenarioName[] {
  if (names === undefined || names.length === 0) throw usageError(`missing --scenario <name>: one of ${checkoutScenarioNames.join(', ')}`);
  return names.map((name) => {
    if ((checkoutScenarioNames as readonly string[]).includes(name)) return name as CheckoutScenarioName;
    const suggestion = closestMatch(name, checkoutScenarioNames);
    throw usageError(`unknown scenario "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (one of ${checkoutScenarioNames.join(', ')})`);
  });
}

/** One order per flow: the ids given, or made-up ones (which a shop will not know: it should acknowledge them anyway). */
function resolveOrderIds(given: readonly string[] | undefined, flows: number, seed: number): string[] {
  if (given === undefined) return Array.from({ length: flows }, (_, index) => `ord_sim_${seed}_${index + 1}`);
  if (given.length !== flows) {
    throw usageError(`got ${given.length} --order-id for ${flows} checkout flow${flows === 1 ? '' : 's'} (--scenario x --count): give one order id per flow`);
  }
  return [...given];
}

function parseSeed(value: string): number {
  const seed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(seed)) throw usageError(`--seed must be a whole number, e.g. --seed 42, got "${value}"`);
  return seed;
}

function parseShare(value: string | undefined): number {
  if (value === undefined) return 0;
  const share = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isNaN(share)) throw usageError(`--duplicates must be a share of events between 0 and 1, e.g. --duplicates 0.3, got "${value}"`);
  return share;
}
