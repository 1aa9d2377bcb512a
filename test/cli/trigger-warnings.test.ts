// The CLI's warnings and hints, in process (runCli), against real endpoints on 127.0.0.1: the
// test receiver (createWebhookHandler) and a plain server that answers 404 everywhere.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSecret } from '../support/deliveries.js';
import { jsonLines, runCli } from '../support/run-cli.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let receiver: WebhookReceiver;
let noSecret: WebhookReceiver;
let notFound: Server;
let notFoundUrl: string;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // A server whose secret is empty: every delivery is 500 missing_secret.
  noSecret = await startWebhookReceiver('');
  notFound = createServer((_request, response) => response.writeHead(404).end('Not Found')).listen(0, '127.0.0.1');
  await new Promise((resolve) => notFound.once('listening', resolve));
  notFoundUrl = `http://127.0.0.1:${(notFound.address() as AddressInfo).port}/wrong/path`;
});
afterAll(async () => {
  await Promise.all([receiver.close(), noSecret.close(), new Promise((resolve) => notFound.close(resolve))]);
});

const trigger = (...args: string[]) => runCli(['trigger', ...args]);
const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('warning: '));

describe('trigger warns before sending', () => {
  it('a checkout event with neither --metadata nor --client-reference-id: the handlers would discard it', async () => {
    const run = await trigger('checkout.session.completed', '--forward-to', receiver.url, '--secret', testSecret);
    expect(run.code).toBe(0);
    expect(warnings(run.stderr)).toEqual([expect.stringContaining('without --metadata or --client-reference-id')]);
    expect(run.stderr).toContain('{"discarded":true}');
    // Written before the first delivery line.
    expect(run.stderr.indexOf('warning:')).toBe(0);
  });

  it('no warning with --client-reference-id, which is sent on the session', async () => {
    const before = receiver.received.length;
    const run = await trigger('checkout.session.completed', '--forward-to', receiver.url, '--secret', testSecret, '--client-reference-id', 'ord_9');
    expect(run.stderr).toBe('');
    expect((receiver.received[before] as Stripe.CheckoutSessionCompletedEvent).data.object.client_reference_id).toBe('ord_9');
  });

  it('--payment-status on a checkout event that ignores it', async () => {
    const run = await trigger('checkout.session.expired', '--forward-to', receiver.url, '--secret', testSecret, '--payment-status', 'paid');
    expect(run.code).toBe(0);
    expect(warnings(run.stderr)).toEqual(['warning: --payment-status has no effect on checkout.session.expired: the checkout helpers read payment_status on checkout.session.completed only']);
  });

  it('--forward-to without a path', async () => {
    const origin = new URL(receiver.url).host;
    const run = await trigger('payment_intent.succeeded', '--forward-to', origin, '--secret', testSecret);
    expect(warnings(run.stderr)).toEqual([`warning: --forward-to ${origin} has no path, so deliveries go to "/"; webhook routes usually live on a path, e.g. http://${origin}/v1/webhook`]);
  });

  it('nothing for a complete command line', async () => {
    const run = await trigger('checkout.session.completed', '--forward-to', receiver.url, '--secret', testSecret, '--metadata', 'orderId=o_1', '--payment-status', 'unpaid');
    expect(run.stderr).toBe('');
  });
});

describe('a non-2xx answer gets a one-line hint', () => {
  it('404: check the path (once for many deliveries)', async () => {
    const run = await trigger('payment_intent.succeeded', '--forward-to', notFoundUrl, '--secret', testSecret, '--repeat', '3');
    expect(run.code).toBe(1);
    const hints = run.stdout.split('\n').filter((line) => line.startsWith('  hint: '));
    expect(hints).toEqual(['  hint: nothing answers at /wrong/path: check the path in --forward-to against the route the server mounts (the examples use /v1/webhook)']);
  });

  it('400 no_matching_signature: the server\'s secret differs', async () => {
    const run = await trigger('payment_intent.succeeded', '--forward-to', receiver.url, '--secret', 'whsec_some_other_endpoint');
    expect(run.stdout).toMatch(/^400 .*no_matching_signature.*\n {2}hint: the server's signing secret differs from the one this command signed with/m);
  });

  it('500 missing_secret: the server has no secret, also as a JSON field with --json', async () => {
    const run = await trigger('payment_intent.succeeded', '--forward-to', noSecret.url, '--secret', testSecret, '--json');
    const [delivery] = jsonLines(run.stdout).filter((line) => line.kind === 'delivery');
    expect(delivery).toMatchObject({ status: 500, hint: expect.stringContaining('the server has no webhook secret configured') });
  });

  it('no hint for a 2xx', async () => {
    const run = await trigger('payment_intent.succeeded', '--forward-to', receiver.url, '--secret', testSecret);
    expect(run.stdout).not.toContain('hint:');
  });
});

describe('unknown options', () => {
  it.each([
    ['--metdata', 'orderId=o_1', '--metadata'],
    ['--forward_to', 'x', '--forward-to'],
    ['--paymentstatus', 'paid', '--payment-status'],
  ])('%s: did you mean %s?', async (typo, value, meant) => {
    const run = await trigger('checkout.session.completed', typo, value, '--secret', testSecret);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`did you mean ${meant}?`);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('no guess for an option unlike any', async () => {
    const run = await trigger('checkout.session.completed', '--zzzzzzzz', '--secret', testSecret);
    expect(run.stderr).toContain("unknown option '--zzzzzzzz'");
    expect(run.stderr).not.toContain('did you mean');
  });
});
