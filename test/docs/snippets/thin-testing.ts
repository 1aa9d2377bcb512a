import { createSignedRequest, createTestEvent, createTestNotification } from 'stripe-webhook-kit/testing';

const secret = 'whsec_test_secret';

// A thin notification alone, as an endpoint with thin payloads receives it...
const alone = createTestNotification('v1.checkout.session.completed');
// ...or the thin twin of a snapshot event, linked by `snapshot_event` as during a migration.
const event = createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_1' } } } });
const twin = createTestNotification(event);

for (const payload of [alone, twin, event]) {
  const { body, headers } = createSignedRequest(payload, secret);
  await fetch('http://localhost:8000/v1/webhook', { method: 'POST', body, headers });
}
