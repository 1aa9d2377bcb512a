import assert from 'node:assert/strict';
import { createWebhookHandler, createWebhookRouter, orderReference } from 'stripe-webhook-kit';
import { createSignedRequest, createTestEvent } from 'stripe-webhook-kit/testing';

const paid: string[] = [];
const router = createWebhookRouter().onCheckoutPaid((session) => {
  paid.push(orderReference(session));
});

// The handlers alone: dispatch a realistic, fully typed event.
const event = createTestEvent('checkout.session.completed', {
  data: { object: { payment_status: 'paid', metadata: { orderId: 'o_1' } } },
});
await router.dispatch(event);
assert.deepEqual(paid, ['o_1']);

// The whole endpoint, without a server: verification, deduplication and the status contract.
const secret = 'whsec_test_only';
const handler = createWebhookHandler({ secret, router, logger: false });
const { body, headers } = createSignedRequest(event, secret);
const first = await handler.handle({ method: 'POST', headers, body });
const again = await handler.handle({ method: 'POST', headers, body });
assert.equal(first.status, 200);
assert.deepEqual(JSON.parse(again.body), { received: true, duplicate: true });
assert.deepEqual(paid, ['o_1']); // the duplicate did not run the handler again
