import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { eventTypes } from '../../src/generated/event-types.js';
import { root } from '../../scripts/generated-file.js';

describe('src/generated/event-types.ts', () => {
  it('is what the generator makes from the installed stripe (regenerate after upgrading stripe)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/generate-event-types.ts', '--check'], { cwd: root });
    expect(stdout).toMatch(/^src\/generated\/event-types\.ts is up to date: \d+ event types from stripe \d+\.\d+\.\d+/);
  });

  it('is sorted and holds each type once, the three checkout fulfillment events among them', () => {
    expect([...eventTypes]).toEqual([...new Set(eventTypes)].sort());
    expect(eventTypes).toEqual(expect.arrayContaining(['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed']));
  });
});
