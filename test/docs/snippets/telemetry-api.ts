import * as otel from '@opentelemetry/api';
import { createWebhookRouter } from 'stripe-webhook-kit';
import { createFetchHandler, type FetchHandler } from 'stripe-webhook-kit/web';

const router = createWebhookRouter();
let webhook: FetchHandler | undefined;

// A Worker: no process.getBuiltinModule here, so the kit is given the API the app registers its
// SDK with.
export default {
  fetch(request: Request, env: { STRIPE_WEBHOOK_SECRET: string }): Promise<Response> {
    webhook ??= createFetchHandler({ secret: env.STRIPE_WEBHOOK_SECRET, router, telemetry: { api: otel } });
    return webhook(request);
  },
};
