import { createSignedRequest, createTestEvent } from 'stripe-webhook-kit/testing';

const event = createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_1' } } } });
const { body, headers } = createSignedRequest(event, 'whsec_test');
const response = await fetch('http://127.0.0.1:8000/v1/webhook', { method: 'POST', body, headers });
console.log(response.status, await response.json()); // 200 { received: true }
