import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built command, as `npx stripe-webhook-kit` runs it in a project that installed the package. */
export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface Delivery {
  eventType: string;
  eventId: string;
  status: number;
  ok: boolean;
  latencyMs: number;
  response: string;
}

export interface CliResult {
  code: number | null;
  deliveries: Delivery[];
  stdout: string;
  stderr: string;
}

export function assertCliBuilt(): void {
  if (!existsSync(cliPath)) throw new Error('dist/cli.js is missing: run `npm run build` (`npm run demo` builds it first)');
}

/** Runs `stripe-webhook-kit <args>` and collects its `--json` deliveries when it printed any. */
export function runCli(args: readonly string[], options: { env: Record<string, string>; cwd: string; input?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const deliveries = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Delivery & { kind: string })
        .filter((line) => line.kind === 'delivery');
      resolve({ code, deliveries, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
