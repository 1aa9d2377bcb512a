// `stripe-webhook-kit catch-up`, run as a child process against the Events API stand-in, forwarding
// to a real endpoint (createWebhookHandler behind node:http, with its own store).
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { ids, outageEvents } from '../catch-up/outage.js';
import { testSecret } from '../support/deliveries.js';
import { cliPath, jsonLines, runCli, runProcess } from '../support/run-cli.js';
import { startStripeApiStandIn, type StripeApiStandIn } from '../support/stripe-api/events-server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let receiver: WebhookReceiver;
let api: StripeApiStandIn;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());
beforeEach(async () => {
  api = await startStripeApiStandIn();
});
afterEach(() => api.close());

const hourAgo = () => Math.floor(Date.now() / 1000) - 3600;
const account = () => ['--api-key', api.apiKey, '--api-base', api.url];
const forward = () => ['--forward-to', receiver.url, '--secret', testSecret];
const received = (from: number) => ids(receiver.received.slice(from));

describe('catch-up', () => {
  it('lists the window oldest first without sending anything when not given --forward-to', async () => {
    const events = outageEvents(5, hourAgo());
    api.addEvents(events);
    const before = receiver.requests;

    const run = await runCli(['catch-up', ...account(), '--since', '2h']);

    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Listing events (since 2h, every type), oldest first; dry run: nothing is sent');
    expect(lines.slice(1, 6).map((line) => line.split('  ')[2])).toEqual(ids(events));
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}checkout\.session\.completed {2}evt_/);
    expect(lines[6]).toMatch(/^fetched 5 events from .* to .*; nothing was sent\.$/);
    expect(lines[7]).toContain('add --forward-to <your endpoint> --secret whsec_...');
    expect(receiver.requests).toBe(before);
  });

  it('re-sends missed events to the endpoint oldest first; a second run finds them all done', async () => {
    const events = outageEvents(40, hourAgo());
    api.addEvents(events);
    const from = receiver.received.length;

    const first = await runCli(['catch-up', ...account(), '--since', '2h', ...forward()]);

    expect(first.code).toBe(0);
    expect(received(from)).toEqual(ids(events));
    expect(first.stdout).toContain(`Re-sending events (since 2h, every type) to ${receiver.url}, oldest first`);
    expect(first.stdout).toMatch(new RegExp(`200  checkout\\.session\\.completed  ${events[0]?.id}  [\\d.]+ ms  \\{"received":true\\}`));
    expect(first.stdout.trimEnd().split('\n').at(-1)).toBe('fetched 40, already done 0, processed 40, failed 0');

    const second = await runCli(['catch-up', ...account(), '--since', '2h', ...forward()]);
    expect(second.code).toBe(0);
    expect(second.stdout.trimEnd().split('\n').at(-1)).toBe('fetched 40, already done 40, processed 0, failed 0');
    expect(receiver.received.length).toBe(from + 40);
  });

  it('reads only undelivered events of the given types, and prints JSON lines', async () => {
    const start = hourAgo();
    const events = outageEvents(30, start);
    api.addEvents(events.slice(0, 10), { delivered: true });
    api.addEvents(events.slice(10));
    const wanted = events.slice(10).filter((event) => event.type !== 'invoice.paid');

    const run = await runCli(['catch-up', ...account(), '--since', new Date(start * 1000).toISOString(), '--undelivered', '--types', 'checkout.session.completed,payment_intent.succeeded', '--json', ...forward()]);

    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.filter((line) => line.kind === 'event').map((line) => line.id)).toEqual(ids(wanted));
    expect(lines[0]).toMatchObject({ kind: 'event', outcome: 'processed', status: 200, type: wanted[0]?.type, created: wanted[0]?.created });
    expect(lines.at(-1)).toMatchObject({ kind: 'summary', dryRun: false, fetched: wanted.length, processed: wanted.length, alreadyDone: 0, failed: 0, warnings: [] });
    const query = api.eventRequests.at(-1);
    expect(query?.get('delivery_success')).toBe('false');
    expect(query?.getAll('types[0]')).toEqual(['checkout.session.completed']);
  });

  it('exits 1 when the endpoint fails an event, naming it, and goes on with the rest', async () => {
    const start = hourAgo();
    const failing = createTestEvent('customer.updated', { id: 'evt_cli_failing', created: start, data: { object: { metadata: { fail: 'yes' } } } } as never);
    const after = createTestEvent('customer.updated', { id: 'evt_cli_after', created: start + 1 } as never);
    api.addEvents([failing, after]);

    const run = await runCli(['catch-up', ...account(), '--since', '2h', ...forward()]);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/500 {2}customer\.updated {2}evt_cli_failing .*\{"error":"handler_failed"\}/);
    expect(run.stdout).toContain('fetched 2, already done 0, processed 1, failed 1');
    expect(run.stdout).toContain('fix the cause, then run the same command again');
  });

  it('draws a progress line on a terminal', async () => {
    api.addEvents(outageEvents(20, hourAgo()));
    const run = await runCli(['catch-up', ...account(), '--since', '2h', ...forward()], { terminal: true, env: { NO_COLOR: '1' } });
    expect(run.code).toBe(0);
    const redraws = run.stdout.split('\r\u001b[2K').slice(1);
    expect(redraws.some((text) => /^at \d{4}-\d\d-\d\dT[\d:]+Z \(\d+% of the window\) {2}already done \d+, processed \d+, failed 0/.test(text))).toBe(true);
    expect(run.stdout).toContain('fetched 20, already done 0, processed 20, failed 0');
  });

  it('reaches the API host from STRIPE_API_BASE, and stops with a clear message when the API fails', async () => {
    api.addEvents(outageEvents(3, hourAgo()));
    api.failEventsWhen(() => true);
    const run = await runCli(['catch-up', '--api-key', api.apiKey, '--since', '2h', ...forward()], { env: { STRIPE_API_BASE: api.url } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^sending the API key to http:\/\/127\.0\.0\.1:\d+ \(STRIPE_API_BASE\)\nerror: catchUp stopped: the Stripe API answered an error 500: An unknown error occurred \(stand-in outage\); 0 event\(s\) were processed .* run catch-up again/);
  });

  it('says how to install stripe when the project has none (it is a peer dependency)', async () => {
    const project = await mkdtemp(join(tmpdir(), 'swk-no-stripe-'));
    try {
      // The whole dist/, as the package ships it: the CLI loads chunks beside it.
      await cp(dirname(cliPath), join(project, 'dist'), { recursive: true });
      await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'stripe-webhook-kit', version: '0.0.0', type: 'module' }));
      const run = await runProcess(process.execPath, [join(project, 'dist/cli.js'), 'catch-up', ...account(), '--since', '1h'], { cwd: project });
      expect(run.code).toBe(2);
      expect(run.stderr).toBe('error: this command reads your Stripe account with stripe-node, which is not installed: run `npm install stripe` in your project\n');
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it('says what is wrong with the key, the host, the since and the types', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['--api-key', 'rk_test_unknown', '--api-base', api.url, '--since', '1h'], 1, /Stripe rejected the API key .*restricted key \(rk_\.\.\.\) with Events: read/],
      [['--api-key', testSecret, '--since', '1h'], 2, /is a webhook signing secret; .* Events: read/],
      [['--api-key', api.apiKey, '--api-base', `${api.url}/v1`, '--since', '1h'], 2, /must be a host without a path/],
      [[...account()], 2, /missing --since/],
      [[...account(), '--since', '3 days'], 2, /--since must be a Date, Unix seconds, a duration .*; got "3 days"\./],
      [[...account(), '--since', '1h', '--types', 'checkout.session.complete'], 2, /"checkout\.session\.complete" is not a Stripe event type; did you mean "checkout\.session\.completed"\?/],
    ];
    for (const [args, code, message] of cases) {
      const run = await runCli(['catch-up', ...args], { env: { STRIPE_API_KEY: undefined, STRIPE_API_BASE: undefined } });
      expect({ args, code: run.code }).toEqual({ args, code });
      expect(run.stderr).toMatch(message);
    }
  });
});
