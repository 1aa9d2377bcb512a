// `stripe-webhook-kit inbox health`: the inbox's health for cron jobs and CI smoke tests, which
// read the exit code: 0 when it keeps up, 1 with the problems on stderr.
import { resolveHealthOptions, type InboxHealthOptions } from '../inbox/inbox-health.js';
import type { Inbox } from '../inbox/types.js';
import { usageError } from './errors.js';
import type { CliIo } from './io.js';

/** The options only `inbox health` takes. */
export const healthOptions = {
  'max-lag': { type: 'string' },
  'max-dead': { type: 'string' },
} as const;

/** `--max-lag 5m` (`ms`, `s`, `m`, `h`; a bare number is milliseconds) and `--max-dead 0`, checked before connecting. */
export function parseHealthOptions(values: { 'max-lag'?: string; 'max-dead'?: string }): Required<InboxHealthOptions> {
  const options: InboxHealthOptions = {};
  if (values['max-lag'] !== undefined) {
    const lag = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(values['max-lag'].trim());
    if (!lag) throw usageError('--max-lag must be a duration: 90s, 5m, 1h (or milliseconds)');
    options.maxLagMs = Number(lag[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(lag[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  }
  if (values['max-dead'] !== undefined) {
    if (!/^\d+$/.test(values['max-dead'].trim())) throw usageError('--max-dead must be a whole number, 0 or more');
    options.maxDead = Number(values['max-dead']);
  }
  return resolveHealthOptions(options);
}

/** Prints the health (JSON with `--json`); resolves the exit code. */
export async function printHealth(inbox: Inbox, options: InboxHealthOptions, json: boolean, io: CliIo): Promise<number> {
  const health = await inbox.health(options);
  if (json) io.stdout.write(`${JSON.stringify(health)}\n`);
  else {
    const age = health.oldestQueuedAgeMs === null ? 'none queued' : `${Math.round(health.oldestQueuedAgeMs / 1000)} s`;
    io.stdout.write(
      [
        health.ok ? 'ok' : `${health.problems.length} problem${health.problems.length === 1 ? '' : 's'}`,
        `queued ${health.queued}  processing ${health.processing}  failed ${health.failed}  dead ${health.dead}`,
        `oldest queued  ${age}`,
        `last done      ${health.lastDoneAt ?? 'never'}`,
      ].join('\n') + '\n',
    );
  }
  for (const problem of health.problems) io.stderr.write(`${problem.code}: ${problem.message}\n`);
  return health.ok ? 0 : 1;
}
