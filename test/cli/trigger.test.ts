// `stripe-webhook-kit trigger`, run as a child process against a real endpoint.
import { createServer } from 'node:net';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSecret } from '../support/deliveries.js';
import { jsonLines, runCli } from '../support/run-cli.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

const trigger = (...args: string[]) => runCli(['trigger', ...args]);

describe('trigger', () => {
  it('signs a realistic event with the metadata and payment status asked for, and prints the delivery', async () => {
    const before = receiver.received.length;
    const run = await trigger('checkout.session.completed', '--forward-to', receiver.url, '--secret', testSecret,
      '--metadata', 'orderId=ord_1', '--metadata', 'note=a=b', '--payment-status', 'unpaid');

    expect(run.code).toBe(0);
    const event = receiver.received[before] as Stripe.CheckoutSessionCompletedEvent;
    expect(event.type).toBe('checkout.session.completed');
    expect(event.data.object.metadata).toEqual({ orderId: 'ord_1', note: 'a=b' });
    expect(event.data.object.payment_status).toBe('unpaid');
    expect(event.data.object.id).toMatch(/^cs_test_/);
    const [heading, delivery, summary] = run.stdout.trimEnd().split('\n');
    expect(heading).toBe(`Sending checkout.session.completed to ${receiver.url}`);
    expect(delivery).toMatch(new RegExp(`^200  checkout\\.session\\.completed  ${event.id}  \\d+(\\.\\d)? ms  \\{"received":true\\}$`));
    expect(summary).toMatch(/^sent 1, 2xx 1, non-2xx 0, latency p50 [\d.]+ ms, p99 [\d.]+ ms$/);
    expect(run.stderr).toBe('');
  });

  it('prints one JSON object per delivery and a summary with --json, for --repeat with --concurrency', async () => {
    const before = receiver.received.length;
    const run = await trigger('payment_intent.succeeded', '--forward-to', receiver.url, '--secret', testSecret, '--repeat', '5', '--concurrency', '3', '--json');

    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    const deliveries = lines.filter((line) => line.kind === 'delivery');
    expect(deliveries).toHaveLength(5);
    for (const delivery of deliveries) {
      expect(Object.keys(delivery)).toEqual(['kind', 'eventType', 'eventId', 'url', 'status', 'ok', 'latencyMs', 'response']);
      expect(delivery).toMatchObject({ eventType: 'payment_intent.succeeded', url: receiver.url, status: 200, ok: true, response: '{"received":true}' });
      expect(delivery.latencyMs).toBeTypeOf('number');
    }
    // Each repetition is a new event, and each one reached the server.
    const sentIds = deliveries.map((delivery) => delivery.eventId);
    expect(new Set(sentIds).size).toBe(5);
    expect(new Set(receiver.received.slice(before).map((event) => event.id))).toEqual(new Set(sentIds));
    const summary = lines.at(-1) as Record<string, number | string>;
    expect(summary).toMatchObject({ kind: 'summary', sent: 5, ok: 5, failed: 0 });
    expect(summary.p50Ms).toBeLessThanOrEqual(summary.p99Ms as number);
  });

  it('exits 1 when the endpoint answers anything but a 2xx', async () => {
    const run = await trigger('checkout.session.completed', '--forward-to', receiver.url, '--secret', testSecret, '--metadata', 'fail=yes', '--json');

    expect(run.code).toBe(1);
    const [delivery, summary] = jsonLines(run.stdout);
    expect(delivery).toMatchObject({ status: 500, ok: false, response: '{"error":"handler_failed"}' });
    expect(summary).toMatchObject({ sent: 1, ok: 0, failed: 1 });
  });

  it('takes the secret from STRIPE_WEBHOOK_SECRET; a different secret is refused by the endpoint with 400', async () => {
    const right = await runCli(['trigger', 'charge.succeeded', '--forward-to', receiver.url], { env: { STRIPE_WEBHOOK_SECRET: testSecret } });
    expect(right.code).toBe(0);

    const wrong = await runCli(['trigger', 'charge.succeeded', '--forward-to', receiver.url], { env: { STRIPE_WEBHOOK_SECRET: 'whsec_not_the_endpoint_secret' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('400  charge.succeeded');
    expect(wrong.stdout).toContain('{"error":"no_matching_signature"}');
    expect(wrong.stdout).toContain('sent 1, 2xx 0, non-2xx 1');
  });

  it('accepts a URL without a scheme, as stripe listen --forward-to does', async () => {
    const run = await trigger('customer.created', '--forward-to', receiver.url.replace('http://', ''), '--secret', testSecret);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('200  customer.created');
  });

  it('names host:port and suggests starting the server when the connection is refused', async () => {
    const port = await unusedPort();
    const run = await trigger('checkout.session.completed', '--forward-to', `http://127.0.0.1:${port}/v1/webhook`, '--secret', testSecret, '--metadata', 'orderId=o_1');

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: cannot connect to 127.0.0.1:${port}: connection refused. Is your server running? Start it, then run this command again\n`);
  });

  it.each([
    [['checkout.session.complete'], 'unknown event type "checkout.session.complete"; did you mean "checkout.session.completed"?'],
    [['not.an.event.at.all'], 'unknown event type "not.an.event.at.all"; see https://docs.stripe.com/api/events/types'],
    [['charge.succeeded', '--secret', 'sk_test_123'], '--secret looks like an API key'],
    [['charge.succeeded', '--secret', 'secret_without_prefix'], '--secret must be a webhook signing secret starting with whsec_'],
    [['charge.succeeded', '--secret', ''], 'missing the signing secret: pass --secret whsec_... or set STRIPE_WEBHOOK_SECRET'],
    [['charge.succeeded', '--forward-to', 'http://exa mple.com/hook'], '--forward-to "http://exa mple.com/hook" is not a valid URL'],
    [['charge.succeeded', '--forward-to', 'ftp://127.0.0.1/hook'], '--forward-to "ftp://127.0.0.1/hook" must be an http:// or https:// URL'],
    [['charge.succeeded', '--forward-to', '/v1/webhook'], '--forward-to "/v1/webhook" has no host'],
    [['charge.succeeded', '--payment-status', 'paid'], '--payment-status applies to checkout.session.* events, not charge.succeeded'],
    [['checkout.session.completed', '--payment-status', 'settled'], '--payment-status must be one of paid, unpaid, no_payment_required'],
    [['checkout.session.completed', '--metadata', 'orderId'], '--metadata "orderId" must look like key=value'],
    [['charge.succeeded', '--repeat', '0'], '--repeat must be a whole number of at least 1, got "0"'],
    [['charge.succeeded', '--concurrency', 'lots'], '--concurrency must be a whole number of at least 1, got "lots"'],
    [['charge.succeeded', '--colour'], "unknown option '--colour' (see: stripe-webhook-kit trigger --help)"],
    [[], 'missing <event-type>'],
  ])('refuses %j with exit code 2, one line, and sends nothing', async (args, message) => {
    const requestsBefore = receiver.requests;
    const run = await trigger(...withDefaults(args));

    expect(run.code).toBe(2);
    expect(run.stderr.startsWith('error: ')).toBe(true);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
    expect(receiver.requests).toBe(requestsBefore);
  });

  it('never prints the secret, even when refusing it', async () => {
    const run = await trigger('charge.succeeded', '--forward-to', receiver.url, '--secret', 'sk_live_do_not_print_me');
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('do_not_print_me');
  });
});

/** The command line under test, with a working --forward-to and --secret unless it sets its own. */
function withDefaults(args: string[]): string[] {
  const defaults: Array<[string, string]> = [['--forward-to', receiver.url], ['--secret', testSecret]];
  return [...args, ...defaults.filter(([flag]) => !args.includes(flag)).flat()];
}

/** A port nothing listens on: bound, read, and released again. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
