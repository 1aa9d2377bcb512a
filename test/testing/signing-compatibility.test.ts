import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { verifyAndParse } from '../../src/verify/verify-and-parse.js';
import { signPayload } from '../../src/testing/sign-payload.js';
import { createSignedRequest } from '../../src/testing/create-signed-request.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { testSecret } from '../support/deliveries.js';

const stripe = new Stripe('sk_test_signing');
const payloads = ['{"id":"evt_1","object":"event"}', JSON.stringify(createTestEvent('checkout.session.completed'), null, 2), '{"unicode":"žluťoučký kůň 🐎"}'];

describe('signing compatibility with stripe-node 23', () => {
  it.each(payloads)('signPayload headers verify with constructEvent (%#)', (payload) => {
    const header = signPayload(payload, testSecret);
    expect(stripe.webhooks.signature?.verifyHeader(payload, header, testSecret, 300)).toBe(true);
  });

  it.each(payloads)('generateTestHeaderString headers verify with ours (%#)', (payload) => {
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: testSecret });
    expect(() => verifyAndParse(payload, header, testSecret)).not.toThrow(/signature|tolerance/);
  });

  it('both sign identically for the same timestamp', () => {
    const payload = payloads[1] as string;
    const timestamp = 1_700_000_123;
    expect(signPayload(payload, testSecret, { timestamp })).toBe(stripe.webhooks.generateTestHeaderString({ payload, secret: testSecret, timestamp }));
  });

  it('createSignedRequest bodies round-trip through constructEvent', () => {
    const event = createTestEvent('charge.refunded');
    const request = createSignedRequest(event, testSecret, { url: 'http://127.0.0.1/v1/webhook' });
    const parsed = stripe.webhooks.constructEvent(request.body, request.headers['stripe-signature'], testSecret);
    expect(parsed).toEqual(event);
    expect(request).toMatchObject({ method: 'POST', url: 'http://127.0.0.1/v1/webhook' });
  });

  it('refuses input that cannot be signed', () => {
    expect(() => signPayload('{}', '')).toThrow(TypeError);
    expect(() => signPayload({} as string, testSecret)).toThrow(/exact string/);
  });
});
