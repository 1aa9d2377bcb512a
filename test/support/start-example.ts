// Starts an example app as a user would (`node --import tsx examples/<name>/server.ts`) on a free
// port, and waits for the "listening on <url>" line it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { testSecret } from './deliveries.js';
import { root } from './run-cli.js';

export interface RunningExample {
  /** e.g. http://127.0.0.1:43125 */
  baseUrl: string;
  /** Everything the app printed so far, stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

export async function startExample(name: string, env: Record<string, string> = {}): Promise<RunningExample> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'examples', name, 'server.ts')], {
    cwd: root,
    // PGlite and no Stripe API unless the test says otherwise, whatever the developer's shell has.
    env: { ...process.env, PORT: '0', STRIPE_WEBHOOK_SECRET: testSecret, STRIPE_SECRET_KEY: '', DATABASE_URL: '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));

  const baseUrl = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = /^listening on (http:\/\/\S+)$/m.exec(output);
      if (match) resolve(match[1] as string);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`examples/${name} exited with ${code} before listening:\n${output}`)));
  });
  return { baseUrl, output: () => output, stop: () => stop(child) };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
