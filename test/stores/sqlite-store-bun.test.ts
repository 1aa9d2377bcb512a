// sqliteStore over bun:sqlite, under Bun itself (installed from the npm registry into the runtime
// cache, not a dependency): the contract's essentials, from test/stores/sqlite/bun-essentials.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

describe('sqliteStore over bun:sqlite under Bun', () => {
  let bun: string;
  let folder: string;
  beforeAll(() => {
    const prefix = execFileSync(join(root, 'scripts/install-runtime.sh'), ['bun', 'bun@1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    bun = join(prefix, 'node_modules/.bin/bun');
    folder = mkdtempSync(join(tmpdir(), 'swk-sqlite-bun-'));
  }, 600_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('claims once, leases, completes, releases, expires and cleans up like every store', () => {
    const output = execFileSync(bun, [join(root, 'test/stores/sqlite/bun-essentials.ts'), join(folder, 'webhooks.db')], { cwd: root, encoding: 'utf8' });
    const report = JSON.parse(output.trim().split('\n').pop() as string) as Record<string, unknown>;
    expect(report.driver).toBe('bun:sqlite');
    const concurrent = report.concurrent as string[];
    expect(concurrent.filter((answer) => answer === 'claimed')).toHaveLength(1);
    expect(concurrent.filter((answer) => answer === 'in_progress')).toHaveLength(concurrent.length - 1);
    expect(report).toMatchObject({
      whileLeased: 'in_progress',
      afterComplete: 'done',
      afterRelease: 'claimed',
      afterExpiry: 'claimed',
      // The first claimer's lease had ended: its release left the newer claim in place.
      afterStaleRelease: 'in_progress',
      afterRetention: 'claimed',
    });
    expect(report.removed).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
