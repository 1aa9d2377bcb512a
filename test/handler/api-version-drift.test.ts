// createWebhookHandler({ apiVersion }): an event rendered in another API version is processed as
// usual and logged once per version, with the advice; over real HTTP (Express 5).
import express from 'express5';
import type Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { stripeTypesApiVersion } from '../../src/generated/api-version.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { createSignedRequest } from '../../src/testing/create-signed-request.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { capturingLogger } from '../support/capturing-logger.js';
import { listening } from '../support/listen.js';
import type { RunningServer } from '../support/status-contract.js';

const secret = 'whsec_api_version_drift';
const servers: RunningServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((server) => server.close())));

async function serve(options: { apiVersion?: string }) {
  const { logger, lines } = capturingLogger();
  const handled: string[] = [];
  const router = createWebhookRouter().on('invoice.paid', (event) => void handled.push(event.id));
  const app = express();
  app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router, logger, ...options }));
  const running = await listening(app.listen(0, '127.0.0.1'));
  servers.push(running);
  const deliver = async (event: Stripe.Event) => {
    const request = createSignedRequest(event, secret);
    const response = await fetch(running.url, { method: 'POST', headers: request.headers, body: request.body });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  return { deliver, lines, handled };
}

const paidIn = (apiVersion: string) => createTestEvent('invoice.paid', { api_version: apiVersion } as never) as Stripe.Event;

describe('API-version drift per event', () => {
  it('processes an event of another version as usual, and warns once per version with the advice', async () => {
    const { deliver, lines, handled } = await serve({ apiVersion: '2026-10-28.endive' });
    const events = [paidIn('2024-06-20'), paidIn('2024-06-20'), paidIn('2025-03-31.basil'), paidIn('2026-10-28.endive')];
    for (const event of events) expect(await deliver(event)).toEqual({ status: 200, body: { received: true } });
    expect(handled).toEqual(events.map((event) => event.id));

    const drift = lines.filter((line) => /has api_version/.test(line.message));
    expect(drift.map((line) => [line.level, line.details?.eventApiVersion, line.details?.eventId])).toEqual([
      ['warn', '2024-06-20', events[0]!.id],
      ['warn', '2025-03-31.basil', events[2]!.id],
    ]);
    expect(drift[0]!.message).toContain('but apiVersion is 2026-10-28.endive');
    expect(drift[0]!.message).toContain('create a webhook endpoint with api_version 2026-10-28.endive');
    expect(drift[0]!.message).toContain('stripe-webhook-kit endpoints check');
  });

  it("defaults to the installed stripe types' version", async () => {
    const { deliver, lines } = await serve({});
    expect((await deliver(paidIn(stripeTypesApiVersion))).status).toBe(200);
    expect(lines.filter((line) => /has api_version/.test(line.message))).toEqual([]);
    expect((await deliver(paidIn('2024-06-20'))).status).toBe(200);
    expect(lines.filter((line) => /has api_version/.test(line.message)).map((line) => line.message)).toEqual([expect.stringContaining(`but apiVersion is ${stripeTypesApiVersion}`)]);
  });

  it('refuses an apiVersion that is not a version, at build time', () => {
    expect(() => createWebhookHandler({ secret, router: createWebhookRouter(), logger: false, apiVersion: 'latest' })).toThrow(/createWebhookHandler: `apiVersion` must be a Stripe API version/);
  });
});
