// checkEndpoints against the stand-in's GET /v1/webhook_endpoints, through stripe-node.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEndpoints } from '../../src/catch-up/check-endpoints.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { startStripeApiStandIn, type StripeApiStandIn } from '../support/stripe-api/events-server.js';
import { webhookEndpoint } from './webhook-endpoints.js';

let api: StripeApiStandIn;
let stripe: Stripe;
beforeAll(async () => {
  api = await startStripeApiStandIn({ keys: { rk_test_both: ['events', 'webhook_endpoints'], rk_test_events_only: ['events'] } });
  stripe = api.client({ apiKey: 'rk_test_both' });
});
afterAll(() => api.close());

const router = createWebhookRouter()
  .onCheckoutPaid(() => {})
  .on('invoice.paid', () => {});
const pinned = Stripe.API_VERSION;

describe('checkEndpoints', () => {
  it('finds no drift when every endpoint is enabled, sends the router types and uses the client version', async () => {
    api.setEndpoints([
      webhookEndpoint('we_all', { enabled_events: ['*'], api_version: pinned }),
      webhookEndpoint('we_listed', { enabled_events: ['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'invoice.paid', 'charge.refunded'] }),
    ]);
    const result = await checkEndpoints({ stripe, router });
    expect(result).toMatchObject({ ok: true, drift: [], apiVersion: pinned });
    expect(result.types).toEqual(['checkout.session.async_payment_succeeded', 'checkout.session.completed', 'invoice.paid']);
    expect(result.endpoints.map((endpoint) => endpoint.id)).toEqual(['we_all', 'we_listed']);
  });

  it('names the types an endpoint does not send', async () => {
    api.setEndpoints([webhookEndpoint('we_partial', { enabled_events: ['checkout.session.completed'] })]);
    const result = await checkEndpoints({ stripe, router });
    expect(result.ok).toBe(false);
    expect(result.drift).toEqual([
      {
        code: 'missing_types',
        endpointId: 'we_partial',
        missingTypes: ['checkout.session.async_payment_succeeded', 'invoice.paid'],
        message: expect.stringMatching(/^we_partial \(https:\/\/shop\.example\/we_partial\/webhook\) does not send checkout\.session\.async_payment_succeeded, invoice\.paid: add them to its enabled_events/),
      },
    ]);
  });

  it('flags a disabled endpoint', async () => {
    api.setEndpoints([webhookEndpoint('we_off', { status: 'disabled' })]);
    const result = await checkEndpoints({ stripe, types: ['invoice.paid'] });
    expect(result.drift.map((drift) => [drift.code, drift.endpointId])).toEqual([['endpoint_disabled', 'we_off']]);
    expect(result.drift[0]?.message).toContain('disabled=false');
  });

  it('flags an endpoint on another API version than the client, and says how to move', async () => {
    api.setEndpoints([webhookEndpoint('we_old', { api_version: '2024-06-20' }), webhookEndpoint('we_default', { api_version: null })]);
    const result = await checkEndpoints({ stripe, types: [] });
    expect(result.drift).toHaveLength(1);
    expect(result.drift[0]).toMatchObject({ code: 'api_version_mismatch', endpointId: 'we_old' });
    expect(result.drift[0]?.message).toContain(`create an endpoint with api_version ${pinned}`);
    // The version the app expects can be given when the client is not the app's own.
    expect((await checkEndpoints({ stripe, types: [], apiVersion: '2024-06-20' })).ok).toBe(true);
  });

  it('checks only the app\'s endpoint when given its URL, and reports when none has it', async () => {
    api.setEndpoints([webhookEndpoint('we_other', { enabled_events: ['customer.created'] }), webhookEndpoint('we_app', { url: 'https://shop.example/stripe' })]);
    expect(await checkEndpoints({ stripe, router, url: 'https://shop.example/stripe/' })).toMatchObject({ ok: true, endpoints: [{ id: 'we_app' }] });
    const missing = await checkEndpoints({ stripe, router, url: 'https://elsewhere.example/hook' });
    expect(missing.drift).toEqual([{ code: 'no_endpoints', message: expect.stringContaining('No webhook endpoint has the URL https://elsewhere.example/hook') }]);
  });

  it('pages through many endpoints', async () => {
    api.setEndpoints(Array.from({ length: 130 }, (_, index) => webhookEndpoint(`we_${String(index).padStart(3, '0')}`)));
    expect((await checkEndpoints({ stripe, router })).endpoints).toHaveLength(130);
  });

  it('says which permission a restricted key lacks', async () => {
    const eventsOnly = api.client({ apiKey: 'rk_test_events_only' });
    await expect(checkEndpoints({ stripe: eventsOnly, router })).rejects.toMatchObject({
      code: 'stripe_api_error',
      message: expect.stringContaining('give the restricted key Webhook Endpoints: read'),
    });
    await expect(checkEndpoints({ stripe, router: undefined } as never)).rejects.toMatchObject({ code: 'invalid_options' });
  });
});
