import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { eventTypes } from '../../src/cli/event-types.js';
import { root } from '../support/run-cli.js';

describe('src/cli/event-types.ts', () => {
  it('is what the generator makes from the installed stripe (regenerate after upgrading stripe)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'test/fixtures/generate-event-types.mjs'), '--check']);
    expect(stdout).toMatch(/^src\/cli\/event-types\.ts matches stripe \d+\.\d+\.\d+ \(\d+ event types\)/);
  });

  it('is sorted and holds each type once, the three checkout fulfillment events among them', () => {
    expect([...eventTypes]).toEqual([...new Set(eventTypes)].sort());
    expect(eventTypes).toEqual(expect.arrayContaining(['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed']));
  });
});
