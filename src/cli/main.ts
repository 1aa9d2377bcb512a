// The `stripe-webhook-kit` command (package.json "bin", built to dist/cli.js with a shebang).
import { createPalette, shouldUseColor } from './colors.js';
import { CliError, usageError } from './errors.js';
import { inboxHelp, mainHelp, replayHelp, signHelp, triggerHelp } from './help.js';
import { inboxCommand } from './inbox.js';
import type { CliIo } from './io.js';
import { replay } from './replay.js';
import { sign } from './sign.js';
import { closestMatch } from './suggest.js';
import { trigger } from './trigger.js';
import { packageVersion } from './version.js';

const helpByCommand: Record<string, string> = { trigger: triggerHelp, replay: replayHelp, sign: signHelp, inbox: inboxHelp };

/** Runs one command line and resolves to the exit code. */
async function main(argv: readonly string[], io: CliIo): Promise<number> {
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
  if (command === 'inbox') return inboxCommand(args, io);
  return sign(args, io);
}

function print(io: CliIo, text: string): number {
  io.stdout.write(text);
  return 0;
}

const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };

// `stripe-webhook-kit ... | head` closes the pipe early: that is not an error worth a stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  process.exitCode = await main(process.argv.slice(2), io);
} catch (error) {
  const color = createPalette(shouldUseColor(process.stderr, process.env));
  // Expected failures are one line; anything else is a bug, still reported without a stack.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${color.red('error:')} ${message}\n`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
}
