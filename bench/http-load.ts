// What every HTTP bench shares (bench/http.ts, bench/nest-compare/run.ts): a server in its own
// process that announces its port, deliveries signed ahead of the load, and one autocannon run.
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { signBody, type DeliveryTemplate } from './payloads.js';
import { collectGarbage } from './stats.js';

export interface RunningServer {
  child: ChildProcess;
  port: number;
  /** Where its webhook route is, when not `/v1/webhook` (a Next.js app serves one route per contender). */
  path?: string;
}

/**
 * Environment under which a bench/servers/*.ts file, run by tsx, imports `stripe-webhook-kit/*`
 * from package.json "exports" (the built dist/, as a user's app loads it), not from src/.
 */
export const builtPackageEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  TSX_TSCONFIG_PATH: fileURLToPath(new URL('./tsconfig.built.json', import.meta.url)),
});

/** Forks `file` and waits for the `{ port }` message it sends once it listens. */
export function forkServer(file: string | URL, args: readonly string[], options: ForkOptions, label: string): Promise<RunningServer> {
  const child = fork(file, args, { ...options, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Kept short: only the start of what a failing server printed is worth showing.
    if (stderr.length < 4000) stderr += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${label} did not start within 60 s`));
    }, 60_000);
    child.once('message', (message: { port?: number }) => {
      clearTimeout(timer);
      if (typeof message.port === 'number') resolve({ child, port: message.port });
      else reject(new Error(`${label} sent ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code}) before listening: ${firstErrorLine(stderr)}`));
    });
  });
}

function firstErrorLine(stderr: string): string {
  return stderr.split('\n').find((line) => /error/i.test(line))?.trim() ?? stderr.trim().split('\n')[0] ?? '';
}

export type SignedRequest = { body: string; headers: Record<string, string> };

/** A new event id from `sequence`, signed now. */
export function signedRequest(template: DeliveryTemplate, sequence: { next: number }): SignedRequest {
  const { body, signature } = signBody(template.body(sequence.next++));
  return { body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
}

/** Deliveries signed ahead, each a new event id; when they run out, more are signed on the spot (and counted). */
export interface SignedDeliveries {
  next(): SignedRequest;
  signedDuringRun(): number;
}

/** Signed before a run, so that autocannon does not compete with the server for CPU with HMACs. */
export function signAhead(template: DeliveryTemplate, sequence: { next: number }, count: number): SignedDeliveries {
  const ready = Array.from({ length: count }, () => signedRequest(template, sequence));
  let taken = 0;
  let late = 0;
  return {
    next() {
      if (taken < ready.length) return ready[taken++] as SignedRequest;
      late++;
      return signedRequest(template, sequence);
    },
    signedDuringRun: () => late,
  };
}

export interface LoadResult {
  requestsPerSecond: number;
  /** Requests answered 2xx. */
  answered: number;
  /** Milliseconds. */
  p99: number;
  /** Requests that got no 2xx answer, or failed. */
  failures: number;
  signedDuringRun: number;
}

/** One autocannon run against `http://127.0.0.1:<port><path>`, every request a delivery from `deliveries`. */
export async function load(port: number, seconds: number, connections: number, deliveries: SignedDeliveries, path = '/v1/webhook'): Promise<LoadResult> {
  collectGarbage();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    connections,
    duration: seconds,
    // autocannon stops at its first sample tick after `duration`: ticks every 100 ms, not every
    // second, let short runs last what they are asked to.
    sampleInt: 100,
    method: 'POST',
    // Called for every request: a new event id, signed ahead.
    requests: [{ setupRequest: (request) => ({ ...request, method: 'POST', ...deliveries.next() }) }],
  });
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    answered: result['2xx'],
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    signedDuringRun: deliveries.signedDuringRun(),
  };
}

/**
 * The CPU time (microseconds) a server process has used so far: asked over IPC of a
 * bench/servers/*.ts process (exact), read from /proc for any other (`next start`; in clock ticks
 * of 10 ms, fine over runs of seconds). CPU per request barely depends on what else the machine
 * runs, where requests per second does.
 */
export function serverCpu(server: RunningServer): Promise<number> {
  if (!server.child.connected) return Promise.resolve(procCpu(server.child.pid));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not report its CPU time within 5 s')), 5000);
    const listen = (message: { cpu?: number }) => {
      if (typeof message.cpu !== 'number') return;
      clearTimeout(timer);
      server.child.off('message', listen);
      resolve(message.cpu);
    };
    server.child.on('message', listen);
    server.child.send('cpu');
  });
}

/** utime + stime of /proc/<pid>/stat (fields 14 and 15, after the parenthesised name), in microseconds. */
function procCpu(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1e6;
}
