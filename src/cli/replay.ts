import { parseCommandLine, parseForwardTo, resolveSecret, singlePositional } from './args.js';
import { deliver, type DeliveryTarget, type EventLike } from './deliver.js';
import { usageError } from './errors.js';
import type { CliIo } from './io.js';
import { readInput } from './read-input.js';
import { createReporter } from './reporter.js';
import { sendAll } from './send-all.js';
import { summarize } from './summarize.js';

/** `replay <events.jsonl>`: re-signs saved events and posts them in order. Resolves to the exit code. */
export async function replay(args: readonly string[], io: CliIo, userAgent: string): Promise<number> {
  const { values, positionals } = parseCommandLine('replay', args, {
    'forward-to': { type: 'string' },
    secret: { type: 'string' },
    json: { type: 'boolean' },
  });
  const path = singlePositional('replay', positionals, 'events.jsonl');
  const target: DeliveryTarget = { url: parseForwardTo(values['forward-to']), secret: resolveSecret(values.secret, io.env), userAgent };
  // The whole file is checked before the first delivery: a bad line 40 must not leave 39 sent.
  const events = parseEventLines(await readInput(path, 'events file', io.stdin), path);
  if (events.length === 0) throw usageError(`"${path}" holds no events: write one Stripe event (JSON) per line`);

  const reporter = createReporter({ stdout: io.stdout, env: io.env, json: values.json === true, total: events.length });
  reporter.start(`Replaying ${events.length} event${events.length === 1 ? '' : 's'} from ${path} to ${target.url.href}`);
  // One at a time, in file order: the order is usually what is being reproduced.
  const results = await sendAll(events.length, 1, (index) => deliver(events[index] as EventLike, target), (result) => reporter.delivery(result)).catch(
    (error: unknown) => {
      reporter.interrupted();
      throw error;
    },
  );
  const summary = summarize(results);
  reporter.summary(summary);
  return summary.failed === 0 ? 0 : 1;
}

/** One event per non-blank line; an error names the first bad line. */
export function parseEventLines(text: string, path: string): EventLike[] {
  const events: EventLike[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const where = `${path} line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw usageError(`${where} is not valid JSON (${(error as Error).message}); write one event per line`);
    }
    if (!isEventLike(value)) throw usageError(`${where} is not a Stripe event: it needs string "id" and "type" fields`);
    events.push(value);
  }
  return events;
}

function isEventLike(value: unknown): value is EventLike {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { id, type } = value as Record<string, unknown>;
  return typeof id === 'string' && id !== '' && typeof type === 'string' && type !== '';
}
