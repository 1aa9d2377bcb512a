// The `stripe-webhook-kit` command as a function of its arguments and io, so that tests run it in
// process against the source; bin.ts wires it to the real process.
import { createPalette, shouldUseColor } from './colors.js';
import { CliError, usageError } from './errors.js';
import { catchUpCommand } from './catch-up.js';
import { consoleCommand } from './console.js';
import { endpoints } from './endpoints.js';
import { catchUpHelp, consoleHelp, endpointsHelp, inboxHelp, mainHelp, replayHelp, signHelp, simulateHelp, triggerHelp } from './help.js';
import { inboxCommand } from './inbox.js';
import type { CliIo } from './io.js';
import { replay } from './replay.js';
import { sign } from './sign.js';
import { simulate } from './simulate.js';
import { closestMatch } from './suggest.js';
import { trigger } from './trigger.js';
import { packageVersion } from './version.js';

const helpByCommand: Record<string, string> = {
  trigger: triggerHelp,
  replay: replayHelp,
  sign: signHelp,
  simulate: simulateHelp,
  'catch-up': catchUpHelp,
  endpoints: endpointsHelp,
  inbox: inboxHelp,
  console: consoleHelp,
};

/**
 * Runs one command line and resolves to the exit code. Failures are reported on `io.stderr` as one
 * line, never thrown: expected ones (`CliError`) with their exit code, anything else with 1.
 */
export async function main(argv: readonly string[], given: CliIo): Promise<number> {
  const io = withoutApiKeys(given);
  try {
    return await runCommand(argv, io);
  } catch (error) {
    const color = createPalette(shouldUseColor(io.stderr, io.env));
    // Anything but a CliError is a bug, still reported without a stack.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${color.red('error:')} ${message}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

// An API error may echo the key it was sent (a proxy, a stand-in, a misconfigured host): no key
// is ever printed, whatever the command or the text it prints.
const apiKeyPattern = /\b((?:sk|rk)_(?:test_|live_)?)[A-Za-z0-9_]+/g;
function withoutApiKeys(io: CliIo): CliIo {
  const redacting = (stream: CliIo['stdout']): CliIo['stdout'] => ({
    isTTY: stream.isTTY,
    write: (text: string) => stream.write(text.replace(apiKeyPattern, '$1[redacted]')),
  });
  return { ...io, stdout: redacting(io.stdout), stderr: redacting(io.stderr) };
}

async function runCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  // A bare `stripe-webhook-kit` is a usage error for scripts, and help for the person typing it.
  if (command === undefined) {
    io.stderr.write(mainHelp);
    return 2;
  }
  if (command === '--help' || command === '-h') return print(io, mainHelp);
  if (command === 'help') return print(io, helpByCommand[args[0] ?? ''] ?? mainHelp);
  if (command === '--version') return print(io, `${packageVersion()}\n`);

  const help = helpByCommand[command];
  if (help === undefined) {
    const suggestion = closestMatch(command, Object.keys(helpByCommand));
    throw usageError(`unknown command "${command}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (see: stripe-webhook-kit --help)`);
  }
  // Help wins over everything else on the line, so that it works while the rest is still wrong.
  if (args.includes('--help') || args.includes('-h')) return print(io, help);

  const userAgent = `stripe-webhook-kit/${packageVersion()}`;
  if (command === 'trigger') return trigger(args, io, userAgent);
  if (command === 'replay') return replay(args, io, userAgent);
  if (command === 'catch-up') return catchUpCommand(args, io, userAgent);
  if (command === 'endpoints') return endpoints(args, io);
  if (command === 'simulate') return simulate(args, io);
  if (command === 'inbox') return inboxCommand(args, io);
  if (command === 'console') return consoleCommand(args, io);
  return sign(args, io);
}

function print(io: CliIo, text: string): number {
  io.stdout.write(text);
  return 0;
}
