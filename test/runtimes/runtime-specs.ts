// The runtimes the job checks and how each one serves its app and runs the probe. Paths to the
// installed runtimes come from run.sh; a runtime whose variable is unset is not checked.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { ProbeReport } from './harness/probe.js';

export interface RuntimeSpec {
  label: string;
  serve: string[];
  env: Record<string, string>;
  /** The stores the probe must have claimed through, inside the runtime. */
  stores: string[];
  /** How the handler gets @opentelemetry/api there: found on its own, or passed as `telemetry.api`. */
  telemetry: 'found' | 'passed';
  probe(url: string, secret: string): Promise<ProbeReport>;
}

const env = process.env;
const services = { DATABASE_URL: env.PGURL ?? '', REDIS_URL: env.REDIS_URL ?? '' };

export function runtimes(): RuntimeSpec[] {
  const specs: RuntimeSpec[] = [];
  if (env.NODE26) specs.push(script(`node ${env.NODE26_VERSION}`, [env.NODE26, 'apps/node-server.ts'], [env.NODE26, 'harness/probe-main.ts', 'node'], {}, ['memory']));
  if (env.BUN) specs.push(script(`bun ${env.BUN_VERSION} (postgres store)`, [env.BUN, 'apps/bun-server.ts'], [env.BUN, 'harness/probe-main.ts', 'bun'], services, ['memory', 'postgres', 'redis']));
  const deno = env.DENO ? [env.DENO, 'run', '--allow-all'] : [];
  if (env.DENO) specs.push(script(`deno ${env.DENO_VERSION} (redis store)`, [...deno, 'apps/deno-server.ts'], [...deno, 'harness/probe-main.ts', 'deno'], services, ['memory', 'postgres', 'redis']));
  if (env.MINIFLARE_MODULE) specs.push(route(`workerd ${env.WORKERD_VERSION} via miniflare ${env.MINIFLARE_VERSION} (${env.WORKER_STORE})`, 'harness/serve-miniflare.mjs', 'worker.bundle.js'));
  if (env.EDGE_RUNTIME_MODULE) specs.push(route(`edge-runtime ${env.EDGE_RUNTIME_VERSION}`, 'harness/serve-edge.mjs', 'edge.bundle.js'));
  return specs;
}

/** A runtime that runs scripts: the probe is a second process of it. */
function script(label: string, serve: string[], probe: string[], extra: Record<string, string>, stores: string[]): RuntimeSpec {
  return {
    label,
    serve,
    env: extra,
    stores,
    telemetry: 'found',
    async probe(url, secret) {
      const [command, ...args] = probe;
      const child = spawn(command as string, [...args, url], { cwd: env.APP_DIR, env: { ...env, ...extra, STRIPE_WEBHOOK_SECRET: secret } });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await once(child, 'exit');
      const line = output.split('\n').find((text) => text.startsWith('probe '));
      if (line === undefined) throw new Error(`the probe printed no report:\n${output}`);
      return JSON.parse(line.slice('probe '.length)) as ProbeReport;
    },
  };
}

/** A runtime served from a bundle by a Node host (miniflare, edge-runtime): the probe is a route. */
function route(label: string, host: string, bundle: string): RuntimeSpec {
  return {
    label,
    serve: [process.execPath, host, bundle],
    env: {},
    stores: [],
    telemetry: 'passed',
    async probe(url) {
      const response = await fetch(new URL(`/__probe?target=${encodeURIComponent(url)}`, url));
      if (!response.ok) throw new Error(`the probe answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as ProbeReport;
    },
  };
}
