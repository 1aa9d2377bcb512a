// `npm run demo` (node --import tsx examples/demo.ts) runs to the end and says every scenario passed.
import { describe, expect, it } from 'vitest';
import { demoDeadlineMs } from '../../examples/demo/deadline.js';
import { assertBuilt, runProcess } from '../support/run-cli.js';

// The demo starts the shop twice (PGlite, then pg-boss on PGlite) and runs the CLI for each of its
// eight scenarios: about 30 s on a quiet 2-core machine, more under CI's load. It stops itself at
// its own deadline, so the test waits as long.
describe('npm run demo', () => {
  it('plays every scenario against the express example, with and without its inbox, and exits 0', { timeout: demoDeadlineMs }, async () => {
    assertBuilt();
    const run = await runProcess(process.execPath, ['--import', 'tsx', 'examples/demo.ts']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.match(/^ {3}PASS$/gm)).toHaveLength(8);
    expect(run.stdout).not.toContain('FAIL');
    expect(run.stdout).toContain('{"received":true,"duplicate":true}');
    expect(run.stdout).toContain('{"error":"no_matching_signature"}');
    expect(run.stdout).toMatch(/All 8 scenarios ended as expected\.\n$/);
  });
});
