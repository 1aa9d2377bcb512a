// sqliteStore on Cloudflare D1, through miniflare's local D1 (workerd, installed into the runtime
// cache, not a dependency): three Workers, each its own isolate, bound to one D1 database, take
// concurrent deliveries of the same events. Each event's handler runs once, in one isolate, and
// every other delivery is answered in_progress (409, Stripe retries) or duplicate.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignedRequest, createTestEvent } from '../../src/entries/testing.js';

const root = new URL('../../', import.meta.url).pathname;
const secret = 'whsec_d1_test';
const workers = ['isolate_a', 'isolate_b', 'isolate_c'];
const copies = 6;

interface Fetcher {
  fetch(url: string, init: { method: string; headers: Record<string, string>; body: string }): Promise<{ status: number; text(): Promise<string> }>;
}
interface MiniflareLike {
  ready: Promise<URL>;
  getWorker(name: string): Promise<Fetcher>;
  getD1Database(binding: string, worker: string): Promise<{ exec(sql: string): Promise<unknown>; prepare(sql: string): { all(): Promise<{ results: unknown[] }> } }>;
  dispose(): Promise<void>;
}

/** The Worker, bundled from the built package as wrangler would: ESM, for workerd, no Node built-ins. */
async function bundleWorker(): Promise<string> {
  if (!existsSync(join(root, 'dist/sqlite/index.js'))) throw new Error('dist/ is missing: run `npx tsup` first (npm test builds it).');
  const result = await build({
    logLevel: 'error',
    entryPoints: [join(root, 'test/stores/sqlite/d1-worker.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    // The built package, not the source that tsconfig's paths point at.
    tsconfigRaw: '{}',
    alias: { 'stripe-webhook-kit': join(root, 'dist') },
  });
  return result.outputFiles[0]!.text;
}

describe('sqliteStore on D1, across Worker isolates sharing one database (miniflare)', () => {
  let mf: MiniflareLike;
  beforeAll(async () => {
    const prefix = execFileSync(join(root, 'scripts/install-runtime.sh'), ['miniflare', 'miniflare@4'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    const { Miniflare } = createRequire(join(prefix, 'node_modules/'))('miniflare') as { Miniflare: new (options: unknown) => MiniflareLike };
    const script = await bundleWorker();
    mf = new Miniflare({
      workers: workers.map((name) => ({
        name,
        // The bundle as one module, listed the way wrangler hands its bundle over, rather than
        // left for miniflare to scan: whether the core loads on workerd is the runtime job's test.
        modules: [{ type: 'ESModule', path: 'worker.mjs', contents: script }],
        compatibilityDate: '2025-01-01',
        bindings: { STRIPE_WEBHOOK_SECRET: secret, WORKER_NAME: name },
        // One database id for every Worker: they share it, as Workers bound to one D1 do.
        d1Databases: { DB: 'webhooks' },
      })),
    });
    await mf.ready;
    await (await mf.getD1Database('DB', workers[0]!)).exec('CREATE TABLE runs (event_id TEXT NOT NULL, worker TEXT NOT NULL)');
  }, 600_000);
  afterAll(() => mf?.dispose());

  const deliver = async (worker: string, body: string, headers: Record<string, string>) => {
    const response = await (await mf.getWorker(worker)).fetch('http://webhooks.test/v1/webhook', { method: 'POST', headers, body });
    return { status: response.status, body: await response.text() };
  };

  it('runs each event once across isolates and answers its concurrent copies in_progress or duplicate', async () => {
    const events = Array.from({ length: 5 }, () => createTestEvent('checkout.session.completed'));
    const deliveries = events.flatMap((event) => {
      const { body, headers } = createSignedRequest(event, secret);
      return Array.from({ length: copies }, (_, copy) => ({ event, body, headers: headers as Record<string, string>, worker: workers[copy % workers.length]! }));
    });
    const answers = await Promise.all(deliveries.map(async (delivery) => ({ id: delivery.event.id, ...(await deliver(delivery.worker, delivery.body, delivery.headers)) })));

    const db = await mf.getD1Database('DB', workers[0]!);
    const runs = (await db.prepare('SELECT event_id FROM runs').all()).results as Array<{ event_id: string }>;
    for (const event of events) {
      const mine = answers.filter((answer) => answer.id === event.id);
      expect(mine.filter((answer) => answer.status === 200 && answer.body === '{"received":true}'), event.id).toHaveLength(1);
      for (const answer of mine) expect(['{"received":true}', '{"received":true,"duplicate":true}', '{"error":"in_progress"}']).toContain(answer.body);
      expect(runs.filter((run) => run.event_id === event.id), event.id).toHaveLength(1);
    }

    // Stripe's retries, once everything settled, are duplicates in every isolate.
    const [event] = events as [(typeof events)[number]];
    const { body, headers } = createSignedRequest(event, secret);
    for (const worker of workers) expect(await deliver(worker, body, headers as Record<string, string>)).toEqual({ status: 200, body: '{"received":true,"duplicate":true}' });
    expect((await db.prepare('SELECT event_id FROM runs').all()).results).toHaveLength(events.length);
  }, 120_000);
});
