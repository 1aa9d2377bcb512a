// The package's "bin" (built to dist/cli.js with a shebang): `main` on the real process.
import type { CliIo } from './io.js';
import { main } from './main.js';

const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };

// `stripe-webhook-kit ... | head` closes the pipe early: that is not an error worth a stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), io);
