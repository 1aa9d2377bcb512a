// Installs the packed tarball into a fresh project, as a user would, and runs the README
// quickstart there: from ESM and CJS, every subpath, over real HTTP. Also checks what the
// tarball carries besides code: licences, notices, source maps, and types that compile.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const subpaths = ['', '/testing', '/express', '/fastify', '/nest', '/web', '/sqlite', '/postgres', '/redis', '/console'];
let project: string;
let installOutput: string;

const run = (command: string, args: string[], cwd = project) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  project = mkdtempSync(join(tmpdir(), 'swk-tarball-'));
  const tarball = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', project], root).trim().split('\n').pop() as string;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
  const install = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`, 'stripe@23', 'express@5', '@nestjs/common@11', '@nestjs/core@11', 'reflect-metadata', 'rxjs', 'typescript@5.9', '@types/node@20'],
    { cwd: project, encoding: 'utf8' },
  );
  installOutput = `${install.stdout}${install.stderr}`;
  if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${installOutput}`);
}, 240_000);

const installed = (path = '') => join(project, 'node_modules/stripe-webhook-kit', path);
const stripeCopyright = 'Copyright (c) 2011- Stripe, Inc.';

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed tarball in a fresh project', () => {
  it('imports every subpath from ESM', () => {
    const script = `${subpaths.map((path, i) => `import * as m${i} from 'stripe-webhook-kit${path}';`).join('\n')}
console.log(JSON.stringify([${subpaths.map((_, i) => `Object.keys(m${i}).length`).join(',')}]));`;
    writeFileSync(join(project, 'esm-check.mjs'), script);
    const counts = JSON.parse(run('node', ['esm-check.mjs'])) as number[];
    expect(counts.every((count) => count > 0)).toBe(true);
  });

  it('requires every subpath from CJS, with the same classes as ESM would see', () => {
    const script = `const core = require('stripe-webhook-kit');
const counts = ${JSON.stringify(subpaths)}.map((path) => Object.keys(require('stripe-webhook-kit' + path)).length);
const { createTestEvent, createSignedRequest } = require('stripe-webhook-kit/testing');
const event = createTestEvent('checkout.session.completed');
const { body, headers } = createSignedRequest(event, 'whsec_cjs');
const parsed = core.verifyAndParse(body, headers['stripe-signature'], 'whsec_cjs');
console.log(JSON.stringify({ counts, id: parsed.id === event.id }));`;
    writeFileSync(join(project, 'cjs-check.cjs'), script);
    const result = JSON.parse(run('node', ['cjs-check.cjs'])) as { counts: number[]; id: boolean };
    expect(result.counts.every((count) => count > 0)).toBe(true);
    expect(result.id).toBe(true);
  });

  it('runs the README quickstart as pasted: duplicates, bad signatures, and events out of order', async () => {
    await writeQuickstart();
    const secret = 'whsec_quickstart';
    const server = spawn('node', ['server.mjs'], { cwd: project, env: { ...process.env, PORT: '0', STRIPE_WEBHOOK_SECRET: secret } });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let output = '';
        server.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /port: (\d+)/.exec(output);
          if (match) resolve(Number(match[1]));
        });
        server.on('exit', (code) => reject(new Error(`quickstart exited with ${code}: ${output}`)));
      });
      writeFileSync(
        join(project, 'send.mjs'),
        `import { createSignedRequest, createTestEvent } from 'stripe-webhook-kit/testing';
const base = 'http://127.0.0.1:${port}';
const post = (body, headers) => fetch(base + '/v1/webhook', { method: 'POST', body, headers }).then(async (r) => [r.status, await r.json()]);
const event = createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_1' } } } });
const { body, headers } = createSignedRequest(event, process.argv[2]);
const answers = [];
for (const attempt of [body, body]) answers.push(await post(attempt, headers));
answers.push(await post(body, { ...headers, 'stripe-signature': 't=1,v1=00' }));
// A bank debit whose success arrives before the late completed (unpaid) event.
const succeeded = createTestEvent('checkout.session.async_payment_succeeded', { data: { object: { metadata: { orderId: 'o_2' } } } });
const lateCompleted = createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_2' }, payment_status: 'unpaid' } } });
for (const late of [succeeded, lateCompleted]) {
  const signed = createSignedRequest(late, process.argv[2]);
  answers.push(await post(signed.body, signed.headers));
}
for (const id of ['o_1', 'o_2']) answers.push(await fetch(base + '/orders/' + id).then((r) => r.json()));
console.log(JSON.stringify(answers));`,
      );
      const answers = JSON.parse(run('node', ['send.mjs', secret]));
      expect(answers).toEqual([
        [200, { received: true }],
        [200, { received: true, duplicate: true }],
        [400, { error: 'no_matching_signature' }],
        [200, { received: true }],
        [200, { received: true }],
        { id: 'o_1', status: 'paid' },
        { id: 'o_2', status: 'paid' },
      ]);
    } finally {
      server.kill();
    }
  });

  it('stops the quickstart with the listen error when the port is taken, and when the secret is missing', async () => {
    await writeQuickstart();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', resolve));
    try {
      const { port } = blocker.address() as AddressInfo;
      const taken = spawnSync('node', ['server.mjs'], { cwd: project, encoding: 'utf8', timeout: 20_000, env: { ...process.env, PORT: String(port), STRIPE_WEBHOOK_SECRET: 'whsec_x' } });
      expect(taken.status).not.toBe(0);
      expect(taken.stderr).toContain('EADDRINUSE');
      expect(taken.stdout).not.toContain('listening');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const environment: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
    delete environment.STRIPE_WEBHOOK_SECRET;
    const unset = spawnSync('node', ['server.mjs'], { cwd: project, encoding: 'utf8', timeout: 20_000, env: environment });
    expect(unset.status).not.toBe(0);
    expect(unset.stderr).toContain('Set STRIPE_WEBHOOK_SECRET');
  });

  it('ships the MIT licence and the notice for Stripe example objects', () => {
    expect(readFileSync(installed('LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} The stripe-webhook-kit contributors/);
    const notices = readFileSync(installed('THIRD-PARTY-NOTICES.md'), 'utf8');
    expect(notices).toContain(stripeCopyright);
    expect(notices).toContain('Permission is hereby granted');
    const manifest = JSON.parse(readFileSync(installed('package.json'), 'utf8')) as { license: string; repository: { url: string }; homepage: string; bugs: { url: string } };
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository.url).toContain('github.com/stripe-webhook-kit/stripe-webhook-kit');
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.bugs.url).toMatch(/^https:\/\/.*\/issues$/);
  });

  it('keeps the notice as a legal comment in every bundle holding Stripe example objects', () => {
    for (const bundle of ['dist/testing/index.js', 'dist/testing/index.cjs', 'dist/cli.js']) {
      const code = readFileSync(installed(bundle), 'utf8');
      const legal = /\/\*![\s\S]*?\*\//.exec(code)?.[0];
      expect(legal, bundle).toContain(stripeCopyright);
      expect(legal, bundle).toContain('Permission is hereby granted');
    }
  });

  it('holds source maps with relative paths only', () => {
    const maps = (readdirSync(installed('dist'), { recursive: true }) as string[]).filter((name) => name.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(30);
    const absolute = maps.flatMap((name) => {
      const map = JSON.parse(readFileSync(installed(`dist/${name}`), 'utf8')) as { file?: string; sources: string[]; sourceRoot?: string };
      return [map.file, map.sourceRoot, ...map.sources].filter((path) => path !== undefined && /^(\/|[a-z]:|file:|\\\\)/i.test(path)).map((path) => `${name}: ${path}`);
    });
    expect(absolute).toEqual([]);
  });

  it('installs without running or announcing an install script', () => {
    const manifest = JSON.parse(readFileSync(installed('package.json'), 'utf8')) as { scripts?: Record<string, string> };
    const installTime = ['preinstall', 'install', 'postinstall', 'prepare'].filter((name) => manifest.scripts?.[name] !== undefined);
    expect(installTime).toEqual([]);
    expect(installOutput).not.toMatch(/stripe-webhook-kit@[^\n]*\((preinstall|install|postinstall|prepare):/);
  });

  it('compiles against a lib older than ES2021 without skipLibCheck (AggregateError), from ESM and CJS', () => {
    writeFileSync(
      join(project, 'consumer.mts'),
      `import { createWebhookHandler, createWebhookRouter, memoryStore } from 'stripe-webhook-kit';
import { createTestEvent } from 'stripe-webhook-kit/testing';
import { stripeWebhookMiddleware } from 'stripe-webhook-kit/express';
import { OnStripeEvent } from 'stripe-webhook-kit/nest';
import { createFetchHandler } from 'stripe-webhook-kit/web';
import { postgresStore } from 'stripe-webhook-kit/postgres';
import { redisStore } from 'stripe-webhook-kit/redis';
import { sqliteStore } from 'stripe-webhook-kit/sqlite';
const router = createWebhookRouter().onError((error) => console.error(error.errors.length));
export const used = [router, createWebhookHandler, memoryStore, createTestEvent, stripeWebhookMiddleware, OnStripeEvent, createFetchHandler, postgresStore, redisStore, sqliteStore];
`,
    );
    writeFileSync(
      join(project, 'consumer.cts'),
      `import kit = require('stripe-webhook-kit');
import testing = require('stripe-webhook-kit/testing');
export const router = kit.createWebhookRouter().onError((error) => console.error(error.errors.length));
export const event = testing.createTestEvent('checkout.session.completed');
`,
    );
    const compilerOptions = { target: 'ES2020', lib: ['ES2020', 'DOM'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], experimentalDecorators: true };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.mts', 'consumer.cts'] }));
    const tsc = spawnSync('node', ['node_modules/typescript/bin/tsc', '-p', '.'], { cwd: project, encoding: 'utf8' });
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.status).toBe(0);
  }, 180_000); // without skipLibCheck, tsc checks all of stripe's types
});

/** The README quickstart, as a user pastes it, compiled to plain JavaScript in the fresh project. */
async function writeQuickstart(): Promise<void> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const quickstart = /<!-- snippet: quickstart -->\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(quickstart).toBeDefined();
  const { code } = await transform(quickstart as string, { loader: 'ts', format: 'esm' });
  writeFileSync(join(project, 'server.mjs'), code);
}
