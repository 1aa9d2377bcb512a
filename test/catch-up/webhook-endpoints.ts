// Webhook endpoints as GET /v1/webhook_endpoints returns them.
import type Stripe from 'stripe';

export function webhookEndpoint(id: string, overrides: Partial<Stripe.WebhookEndpoint> = {}): Stripe.WebhookEndpoint {
  return {
    id,
    object: 'webhook_endpoint',
    api_version: null,
    application: null,
    created: 1_760_000_000,
    description: null,
    enabled_events: ['*'],
    livemode: false,
    metadata: {},
    status: 'enabled',
    url: `https://shop.example/${id}/webhook`,
    ...overrides,
  } as Stripe.WebhookEndpoint;
}
