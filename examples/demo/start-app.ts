import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface RunningApp {
  baseUrl: string;
  /** What the app printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts examples/<name>/server.ts in a child process on a free port, offline: PGlite, no Stripe
 * API key, whatever the shell or examples/.env says (`env` adds to that, e.g. INBOX=1). Resolves once
 * it prints its URL.
 */
export function startApp(name: string, webhookSecret: string, env: Record<string, string> = {}): Promise<RunningApp> {
  const server = fileURLToPath(new URL(`../${name}/server.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', server], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_SECRET_KEY: '', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /^listening on (http:\/\/\S+)$/m.exec(log);
      if (match) resolve({ baseUrl: match[1] as string, log: () => log, stop });
    });
    child.once('exit', (code) => reject(new Error(`examples/${name} exited with code ${code} before listening:\n${log}`)));
  });
}
