// Nest 10 and 12 (Nest 11 is the root's, in nest*.test.ts): the smoke test in each major, from
// its ESM and its CommonJS entry, against the packed tarball that test/nest-matrix/run.sh
// installs (its worker case needs Redis at 127.0.0.1:6379), and the guide's app (docs/nestjs.md;
// test/docs/doc-snippets.test.ts keeps the two equal) compiled by tsc.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const matrix = new URL('../nest-matrix/', import.meta.url);
const inCi = process.env.CI === 'true';
const install = 'test/nest-matrix/run.sh install';
/**
 * Express and Fastify, rawBody off and on, NestFactory and @nestjs/testing; StripeInboxWorkerModule
 * in an application context on BullMQ (smoke-worker.mjs); plus, from ESM, the guide's app.
 */
const cases = { 'smoke-entry.mjs': 10, 'smoke-entry.cjs': 9 };

describe.each(['nest10', 'nest12'])('%s', (major) => {
  const installed = existsSync(new URL(`${major}/node_modules/.smoke/smoke-entry.mjs`, matrix));

  if (!installed && !inCi) {
    it.skip(`${major} is not installed, so its smoke test is skipped here (CI fails instead): run ${install}`, () => {});
    return;
  }

  it.each(['smoke-entry.mjs', 'smoke-entry.cjs'] as const)('%s passes every case over real HTTP', async (script) => {
    if (!installed) throw new Error(`${major} is not installed: CI must run \`${install}\` before the tests`);
    const { stdout } = await run('node', [`node_modules/.smoke/${script}`], { cwd: new URL(major, matrix) }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`${major}/${script} failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    });
    const lines = stdout.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('FAIL'))).toEqual([]);
    expect(lines.filter((line) => line.startsWith('ok ')).length).toBe(cases[script]);
    // Named, so that no other case's line can stand in for the worker's.
    expect(lines.filter((line) => /^ok +Nest \S+ (\(require\) )?\| StripeInboxWorkerModule \| application context \| BullMQ: \d+ checks$/.test(line))).toHaveLength(1);
  }, 120_000);
});
