// The object fetched for a thin notification must be the one it names: a Stripe API stand-in that
// answers cs_OTHER for cs_A makes the attempt fail with a coded error, and no order is fulfilled,
// over real HTTP (a signed delivery to a node:http server, stripe-node fetching from the stand-in).
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { capturingLogger } from '../support/capturing-logger.js';
import { listening } from '../support/listen.js';
import type { RunningServer } from '../support/status-contract.js';
import { startThinObjectsServer, type ThinObjectsServer } from '../support/stripe-api/thin-objects-server.js';
import { thinCheckout } from '../support/thin-deliveries.js';

let api: ThinObjectsServer;
let server: RunningServer;
const fulfilled: string[] = [];
const fetched: unknown[] = [];
const { logger, lines } = capturingLogger();
const url = () => server.url;
beforeAll(async () => {
  api = await startThinObjectsServer();
  const router = createWebhookRouter()
    .onCheckoutPaid((session) => void fulfilled.push(session.metadata?.orderId ?? '?'))
    .on('v1.checkout.session.completed', async (notification) => void fetched.push(await notification.fetchRelatedObject()));
  const middleware = stripeWebhookMiddleware({ secret: 'whsec_test_secret', router, stripe: api.stripe, logger });
  server = await listening(createServer((request, response) => middleware(request, response, () => undefined)).listen(0, '127.0.0.1'));
});
afterAll(async () => {
  await server?.close();
  await api?.close();
});

describe('the object a thin notification names', () => {
  it('fails the attempt with related_object_mismatch when the API answers another session, and fulfils nothing', async () => {
    const delivery = thinCheckout(api, 'o_mine', { secret: 'whsec_test_secret' });
    const other = thinCheckout(api, 'o_someone_else', { secret: 'whsec_test_secret' });
    // The stand-in answers the other customer's session at this session's URL.
    api.put(`/v1/checkout/sessions/${delivery.session.id}`, other.session);
    const answer = await fetch(url(), { method: 'POST', headers: delivery.headers, body: delivery.body });
    expect(answer.status).toBe(500);
    expect(fulfilled).toEqual([]);
    expect(fetched).toEqual([]);
    expect(JSON.stringify(lines)).toContain('RelatedObjectMismatchError');
    expect(JSON.stringify(lines)).toContain(`names checkout.session ${delivery.session.id}, but fetching it returned checkout.session ${other.session.id}`);
  });

  it('fulfils when the API answers the named session', async () => {
    const delivery = thinCheckout(api, 'o_right', { secret: 'whsec_test_secret' });
    expect((await fetch(url(), { method: 'POST', headers: delivery.headers, body: delivery.body })).status).toBe(200);
    expect(fulfilled).toEqual(['o_right']);
    expect(fetched).toMatchObject([{ id: delivery.session.id, object: 'checkout.session' }]);
  });
});
