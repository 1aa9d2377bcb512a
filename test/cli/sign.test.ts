// `stripe-webhook-kit sign`: its header must verify with stripe-node itself and with the kit.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { testSecret } from '../support/deliveries.js';
import { runCli } from '../support/run-cli.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const stripe = new Stripe('sk_test_cli_sign');
let receiver: WebhookReceiver;
let directory: string;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  directory = await mkdtemp(join(tmpdir(), 'swk-sign-'));
});
afterAll(async () => {
  await receiver.close();
  await rm(directory, { recursive: true, force: true });
});

describe('sign', () => {
  it('prints a Stripe-Signature value for the exact bytes of the file, which stripe-node accepts and an endpoint answers 200', async () => {
    const payload = `${JSON.stringify(createTestEvent('checkout.session.completed'), null, 2)}\n`;
    const file = join(directory, 'event.json');
    await writeFile(file, payload);
    const run = await runCli(['sign', file, '--secret', testSecret]);

    expect(run.code).toBe(0);
    const header = run.stdout.trimEnd();
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(stripe.webhooks.constructEvent(payload, header, testSecret).type).toBe('checkout.session.completed');
    const answer = await fetch(receiver.url, { method: 'POST', headers: { 'stripe-signature': header, 'content-type': 'application/json' }, body: payload });
    expect(answer.status).toBe(200);
    // One byte more (the trailing newline dropped) and the same header no longer matches.
    expect(() => stripe.webhooks.constructEvent(payload.trimEnd(), header, testSecret)).toThrow(/No signatures found/);
  });

  it('reads stdin for -, takes the secret from STRIPE_WEBHOOK_SECRET, and signs at --timestamp', async () => {
    const payload = '{"id":"evt_1","object":"event"}';
    const run = await runCli(['sign', '-', '--timestamp', '1700000000'], { input: payload, env: { STRIPE_WEBHOOK_SECRET: testSecret } });

    expect(run.code).toBe(0);
    const header = run.stdout.trimEnd();
    expect(header.startsWith('t=1700000000,v1=')).toBe(true);
    expect(header).toBe(stripe.webhooks.generateTestHeaderString({ payload, secret: testSecret, timestamp: 1_700_000_000 }));
  });

  it.each([
    [['sign', 'missing.json', '--secret', testSecret], 'error: cannot read payload file "missing.json": no such file\n'],
    [['sign', '-', '--secret', 'whsec'], 'error: --secret must be a webhook signing secret starting with whsec_\n'],
    [['sign', '-', '--secret', testSecret, '--timestamp', 'yesterday'], '--timestamp must be Unix seconds'],
    [['sign', '--secret', testSecret], 'error: missing <payload-file> (see: stripe-webhook-kit sign --help)\n'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const run = await runCli(args, { input: '{}' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });
});
