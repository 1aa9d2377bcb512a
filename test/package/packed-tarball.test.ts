// Installs the packed tarball into a fresh project, as a user would, and runs the README
// quickstart there: from ESM and CJS, every subpath, over real HTTP.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const subpaths = ['', '/testing', '/express', '/fastify', '/nest', '/web', '/postgres', '/redis'];
let project: string;

const run = (command: string, args: string[], cwd = project) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  project = mkdtempSync(join(tmpdir(), 'swk-tarball-'));
  const tarball = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', project], root).trim().split('\n').pop() as string;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`, 'stripe@23', 'express@5', '@nestjs/common@11', '@nestjs/core@11', 'reflect-metadata', 'rxjs']);
}, 240_000);

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

  it('runs the README quickstart as pasted and fulfills a signed delivery', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const quickstart = /<!-- snippet: quickstart -->\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(quickstart).toBeDefined();
    const { code } = await transform(quickstart as string, { loader: 'ts', format: 'esm' });
    writeFileSync(join(project, 'server.mjs'), code);

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
const event = createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_1' } } } });
const { body, headers } = createSignedRequest(event, process.argv[2]);
const url = 'http://127.0.0.1:${port}/v1/webhook';
const answers = [];
for (const attempt of [body, body]) answers.push(await fetch(url, { method: 'POST', body: attempt, headers }).then(async (r) => [r.status, await r.json()]));
answers.push(await fetch(url, { method: 'POST', body, headers: { ...headers, 'stripe-signature': 't=1,v1=00' } }).then(async (r) => [r.status, await r.json()]));
console.log(JSON.stringify(answers));`,
      );
      const answers = JSON.parse(run('node', ['send.mjs', secret]));
      expect(answers).toEqual([
        [200, { received: true }],
        [200, { received: true, duplicate: true }],
        [400, { error: 'no_matching_signature' }],
      ]);
    } finally {
      server.kill();
    }
  });
});
