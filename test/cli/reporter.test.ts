// How deliveries look to a person at a terminal, to a pipe, and with NO_COLOR.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSecret } from '../support/deliveries.js';
import { runCli } from '../support/run-cli.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

const escape = '\u001b[';
const triggerArgs = (...more: string[]) => ['trigger', 'charge.succeeded', '--forward-to', receiver.url, '--secret', testSecret, ...more];
// Output to a terminal (the built bin on a real pseudo-terminal is in main.test.ts).
const runInTerminal = (args: string[], env: Record<string, string> = {}) => runCli(args, { terminal: true, env: { TERM: 'xterm-256color', ...env } });

describe('delivery output', () => {
  it('colours the status on a terminal', async () => {
    const run = await runInTerminal(triggerArgs());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${escape}32m200${escape}39m  charge.succeeded`);
  });

  it('has no colour on a terminal when NO_COLOR is set', async () => {
    const run = await runInTerminal(triggerArgs(), { NO_COLOR: '1' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('200  charge.succeeded');
    expect(run.stdout).not.toContain(escape);
  });

  it('has no colour in a pipe', async () => {
    const run = await runCli(triggerArgs('--metadata', 'fail=yes'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('500  charge.succeeded');
    expect(run.stdout + run.stderr).not.toContain(escape);
  });

  it('draws one progress line for --repeat on a terminal, with a line only for deliveries that failed', async () => {
    const run = await runInTerminal(triggerArgs('--repeat', '12', '--concurrency', '4'), { NO_COLOR: '1' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\r\u001b[2K12/12 sent  2xx 12  non-2xx 0');
    expect(run.stdout).not.toContain('200  charge.succeeded');
    expect(run.stdout).toMatch(/sent 12, 2xx 12, non-2xx 0, latency p50 [\d.]+ ms, p99 [\d.]+ ms\n$/);
  });

  it('lists every delivery for --repeat in a pipe', async () => {
    const run = await runCli(triggerArgs('--repeat', '3'));
    expect(run.code).toBe(0);
    expect(run.stdout.match(/^200 {2}charge\.succeeded {2}evt_test_\w+ {2}/gm)).toHaveLength(3);
    expect(run.stdout).not.toContain('\r');
  });
});
