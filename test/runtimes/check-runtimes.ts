// The runtime job's checker: starts each runtime's app (from the packed package, in APP_DIR),
// sends it Stripe's deliveries over HTTP, runs the CLI's `trigger` against it and the probe inside
// the runtime, and asserts the same things of every runtime. One line per runtime, then a total;
// the exit code is non-zero when any runtime failed. run.sh sets the environment.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createSignedRequest, createTestEvent } from '../../src/entries/testing.js';
import { runtimes, type RuntimeSpec } from './runtime-specs.js';

const appDir = required('APP_DIR');
const secret = 'whsec_runtime_check';
const cli = join(appDir, 'node_modules/stripe-webhook-kit/dist/cli.js');
const startTimeoutMs = 60_000;

interface App {
  url: string;
  output: () => string;
  child: ChildProcess;
}

async function check(spec: RuntimeSpec): Promise<string[]> {
  const app = await start(spec);
  const failures: string[] = [];
  const expect = (what: string, actual: unknown, expected: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) failures.push(`${what}: got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`);
  };
  try {
    const event = createTestEvent('checkout.session.completed');
    const signed = createSignedRequest(event, secret);
    expect('signed delivery', await post(app.url, signed), [200, '{"received":true}']);
    expect('duplicate', await post(app.url, signed), [200, '{"received":true,"duplicate":true}']);
    expect('bad signature', (await post(app.url, createSignedRequest(event, 'whsec_not_the_secret')))[0], 400);
    expect('cli trigger exit code', await run(process.execPath, [cli, 'trigger', 'checkout.session.completed', '--forward-to', app.url, '--secret', secret]), 0);

    const report = await spec.probe(app.url, secret);
    expect('verifyAndParseAsync in the runtime', report.verifiedAsync, 'ok');
    expect('verifyAndParse in the runtime', report.verifiedSync, 'ok');
    expect('forged signature in the runtime', report.forgedRefused, 'no_matching_signature');
    expect('simulateDeliveries acknowledged', [report.simulation.events, report.simulation.acknowledged], [2, 2]);
    if (report.simulation.deliveries < 4) failures.push(`simulateDeliveries sent ${report.simulation.deliveries} deliveries, want each of 2 events twice`);
    expect(`spans with @opentelemetry/api ${spec.telemetry}`, report.spans, ['stripe.webhook receive']);
    for (const store of spec.stores) expect(`${store} store claims`, report.stores[store], ['claimed', 'in_progress', 'done']);

    // Each handler ran once, whatever the duplicates: the app logs `fulfil <session>` per run.
    for (const session of [event.data.object.id, ...report.simulation.sessions]) {
      expect(`handler runs for ${session}`, await countLines(app, `fulfil ${session}`), 1);
    }
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  } finally {
    app.child.kill('SIGTERM');
  }
  if (failures.length > 0) failures.push(`app output:\n${app.output().trim().slice(-2000)}`);
  return failures;
}

async function start(spec: RuntimeSpec): Promise<App> {
  const port = await freePort();
  const [command, ...args] = spec.serve;
  const child = spawn(command as string, args, { cwd: appDir, env: { ...process.env, ...spec.env, PORT: String(port), STRIPE_WEBHOOK_SECRET: secret }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}/v1/webhook`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}) before answering:\n${output}`);
    if (await fetch(url).then(() => true, () => false)) return { url, child, output: () => output };
    if (Date.now() > deadline) throw new Error(`the app did not answer within ${startTimeoutMs} ms:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function post(url: string, request: { body: string; headers: Record<string, string> }): Promise<[number, string]> {
  const response = await fetch(url, { method: 'POST', body: request.body, headers: request.headers });
  return [response.status, await response.text()];
}

// The lines come through a pipe: wait (generously) until the first is there, then count.
async function countLines(app: App, line: string): Promise<number> {
  const count = () => app.output().split('\n').filter((text) => text.trim() === line).length;
  for (let waited = 0; count() === 0 && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  return count();
}

async function run(command: string, args: string[]): Promise<number | null> {
  const child = spawn(command, args, { cwd: appDir, stdio: 'ignore' });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run test/runtimes/run.sh, which sets it.`);
  return value;
}

let failed = 0;
for (const spec of runtimes()) {
  const failures = await check(spec);
  if (failures.length > 0) failed++;
  console.log(failures.length === 0 ? `ok   ${spec.label}` : `FAIL ${spec.label}\n  ${failures.join('\n  ')}`);
}
console.log(`${runtimes().length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
