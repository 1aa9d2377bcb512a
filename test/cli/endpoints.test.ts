// `stripe-webhook-kit endpoints check`, run as a child process against the API stand-in.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEndpoint } from '../catch-up/webhook-endpoints.js';
import { runCli } from '../support/run-cli.js';
import { startStripeApiStandIn, type StripeApiStandIn } from '../support/stripe-api/events-server.js';

let api: StripeApiStandIn;
beforeAll(async () => {
  api = await startStripeApiStandIn({ keys: { rk_test_reader: ['events', 'webhook_endpoints'], rk_test_events_only: ['events'] } });
});
afterAll(() => api.close());

const check = (...args: string[]) => runCli(['endpoints', 'check', '--api-key', 'rk_test_reader', '--api-base', api.url, ...args]);
const types = ['--types', 'checkout.session.completed,checkout.session.async_payment_succeeded', '--types', 'invoice.paid'];

describe('endpoints check', () => {
  it('exits 0 when every endpoint sends the handled types, is enabled and uses the installed stripe-node version', async () => {
    api.setEndpoints([webhookEndpoint('we_shop', { api_version: Stripe.API_VERSION })]);
    const run = await check(...types);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `Checking 1 webhook endpoint for: checkout.session.async_payment_succeeded, checkout.session.completed, invoice.paid (API version ${Stripe.API_VERSION})\n` +
        `we_shop  https://shop.example/we_shop/webhook  enabled  api ${Stripe.API_VERSION}  sends all events (*)  ok\n` +
        'no drift: every endpoint is enabled, sends the handled types and uses the same API version\n',
    );
  });

  it('exits 1 on drift, printing what to change for each endpoint', async () => {
    api.setEndpoints([
      webhookEndpoint('we_partial', { enabled_events: ['checkout.session.completed'] }),
      webhookEndpoint('we_off', { status: 'disabled' }),
      webhookEndpoint('we_old', { api_version: '2024-06-20' }),
    ]);
    const run = await check(...types);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('we_partial  https://shop.example/we_partial/webhook  enabled  api account default  sends 1 event type  missing_types');
    expect(run.stdout).toContain('we_off  https://shop.example/we_off/webhook  disabled  api account default  sends all events (*)  endpoint_disabled');
    expect(run.stdout).toContain('we_old  https://shop.example/we_old/webhook  enabled  api 2024-06-20  sends all events (*)  api_version_mismatch');
    expect(run.stdout).toContain('  - we_partial (https://shop.example/we_partial/webhook) does not send checkout.session.async_payment_succeeded, invoice.paid: add them to its enabled_events');
    expect(run.stdout).toContain('  - we_off (https://shop.example/we_off/webhook) is disabled: Stripe sends it nothing.');
    expect(run.stdout).toContain(`create an endpoint with api_version ${Stripe.API_VERSION}`);
    expect(run.stdout).toContain('3 drifts: change the endpoints as above');
  });

  it('compares with --api-version, narrows to --url, and prints JSON', async () => {
    api.setEndpoints([webhookEndpoint('we_old', { api_version: '2024-06-20', url: 'https://shop.example/stripe' }), webhookEndpoint('we_elsewhere', { status: 'disabled' })]);
    const run = await check('--api-version', '2024-06-20', '--url', 'https://shop.example/stripe', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, types: [], apiVersion: '2024-06-20', endpoints: [{ id: 'we_old' }], drift: [] });
  });

  it('says which permission a restricted key lacks, and suggests the subcommand', async () => {
    const denied = await runCli(['endpoints', 'check', '--api-key', 'rk_test_events_only', '--api-base', api.url]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('give the restricted key Webhook Endpoints: read');
    const typo = await runCli(['endpoints', 'chek']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown subcommand "endpoints chek"; did you mean "endpoints check"?');
  });
});
