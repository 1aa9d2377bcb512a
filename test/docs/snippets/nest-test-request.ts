import { createSignedRequest, createTestEvent } from 'stripe-webhook-kit/testing';
import { expect } from 'vitest';

await app.listen(0); // once per test file, in beforeAll
const { body, headers } = createSignedRequest(createTestEvent('checkout.session.completed'), secret);
const response = await fetch(`${await app.getUrl()}/api/v1/webhook`, { method: 'POST', headers, body });
expect(response.status).toBe(200);
