// The command's entry: help, version, unknown commands (in process, against the source), and the
// built bin itself (a few smoke runs of dist/cli.js, as npm links it).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Stripe from 'stripe';
import { main } from '../../src/cli/main.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSecret } from '../support/deliveries.js';
import { cliPath, root, runBuiltCli, runBuiltCliInTerminal, runCli } from '../support/run-cli.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

describe('stripe-webhook-kit', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version']);
    expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists the three commands', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['trigger <event-type>', 'replay <events.jsonl>', 'sign <payload-file>']) expect(run.stdout).toContain(command);
  });

  it.each([
    ['trigger', 'Usage: stripe-webhook-kit trigger <event-type> --forward-to <url>'],
    ['replay', 'Usage: stripe-webhook-kit replay <events.jsonl> --forward-to <url>'],
    ['sign', 'Usage: stripe-webhook-kit sign <payload-file>'],
  ])('%s --help prints that command\'s usage, even when the rest of the line is wrong', async (command, usage) => {
    const run = await runCli([command, '--no-such-flag', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(usage)).toBe(true);
    const viaHelp = await runCli(['help', command]);
    expect(viaHelp.stdout).toBe(run.stdout);
  });

  it('refuses an unknown command with exit code 2 and a suggestion', async () => {
    const run = await runCli(['replya', 'events.jsonl']);
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'error: unknown command "replya"; did you mean "replay"? (see: stripe-webhook-kit --help)\n' });
  });

  it('without a command, prints the help to stderr and exits 2', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: stripe-webhook-kit <command>');
    expect(run.stdout).toBe('');
  });

  it('reports an unexpected failure as one line without a stack, and exits 1', async () => {
    let stderr = '';
    const failingStdout = { write: () => { throw new Error('stdout is gone'); } };
    const code = await main(['--help'], { stdout: failingStdout, stderr: { write: (text: string) => (stderr += text) }, stdin: process.stdin, env: {} });
    expect({ code, stderr }).toEqual({ code: 1, stderr: 'error: stdout is gone\n' });
  });
});

describe('the built bin (dist/cli.js)', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(() => receiver.close());

  it('is an executable file with a shebang that prints the package version', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    expect((await readFile(cliPath, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
    const { stdout } = await promisify(execFile)(cliPath, ['--version']);
    expect(stdout).toBe(`${version}\n`);
  });

  it('delivers a signed event that the endpoint accepts, and exits 0', async () => {
    const before = receiver.received.length;
    const run = await runBuiltCli(['trigger', 'checkout.session.completed', '--forward-to', receiver.url, '--secret', testSecret, '--metadata', 'orderId=ord_bin']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect((receiver.received[before] as Stripe.CheckoutSessionCompletedEvent).data.object.metadata).toEqual({ orderId: 'ord_bin' });
  });

  it('exits 2 with one line for a usage error', async () => {
    const run = await runBuiltCli(['replya']);
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'error: unknown command "replya"; did you mean "replay"? (see: stripe-webhook-kit --help)\n' });
  });

  it('colours the status on a real terminal', async () => {
    const run = await runBuiltCliInTerminal(['trigger', 'charge.succeeded', '--forward-to', receiver.url, '--secret', testSecret]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\u001b[32m200\u001b[39m  charge.succeeded');
  });
});
