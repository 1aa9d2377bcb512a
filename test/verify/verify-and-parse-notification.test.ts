import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createSignedRequest, createTestEvent, createTestNotification } from '../../src/entries/testing.js';
import { verifyAndParse } from '../../src/verify/verify-and-parse.js';
import { verifyAndParseNotificationAsync } from '../../src/verify/verify-and-parse-notification-async.js';
import { verifyAndParseNotification } from '../../src/verify/verify-and-parse-notification.js';
import { testSecret } from '../support/deliveries.js';

const stripe = new Stripe('sk_test_unused');
const signed = (payload: object) => createSignedRequest(payload as never, testSecret);

describe('verifyAndParseNotification', () => {
  it('returns the verified payload, and stripe-node\'s notification when given a client', async () => {
    const notification = createTestNotification('v1.checkout.session.completed', { context: 'acct_123' });
    const { body, headers } = signed(notification);
    const plain = verifyAndParseNotification(body, headers['stripe-signature'], testSecret);
    expect(plain).toEqual(notification);
    const built = verifyAndParseNotification(body, headers['stripe-signature'], testSecret, { stripe });
    expect(built.id).toBe(notification.id);
    expect(typeof built.fetchEvent).toBe('function');
    expect(built.context?.toString()).toBe('acct_123');
    const builtAsync = await verifyAndParseNotificationAsync(new TextEncoder().encode(body), headers['stripe-signature'], testSecret, { stripe });
    expect(typeof builtAsync.fetchEvent).toBe('function');
  });

  it('refuses a snapshot event with not_an_event, pointing at verifyAndParse', () => {
    const { body, headers } = signed(createTestEvent('checkout.session.completed'));
    expect(() => verifyAndParseNotification(body, headers['stripe-signature'], testSecret)).toThrow(expect.objectContaining({ code: 'not_an_event', status: 400, message: expect.stringContaining('verifyAndParse()') }));
  });

  it('refuses a bad signature with the same codes as verifyAndParse', async () => {
    const { body, headers } = signed(createTestNotification('v2.core.event_destination.ping'));
    expect(() => verifyAndParseNotification(`${body} `, headers['stripe-signature'], testSecret)).toThrow(expect.objectContaining({ code: 'no_matching_signature' }));
    await expect(verifyAndParseNotificationAsync(body, undefined, testSecret)).rejects.toMatchObject({ code: 'missing_signature' });
    expect(() => verifyAndParseNotification(body, headers['stripe-signature'], testSecret, { tolerance: 1, now: () => Date.now() + 60_000 })).toThrow(expect.objectContaining({ code: 'timestamp_out_of_tolerance' }));
  });

  it('refuses a `stripe` option that cannot build notifications', () => {
    const { body, headers } = signed(createTestNotification('v2.core.event_destination.ping'));
    expect(() => verifyAndParseNotification(body, headers['stripe-signature'], testSecret, { stripe: {} as never })).toThrow(/stripe-node client .* version 23/);
  });
});

describe('verifyAndParse and thin notifications', () => {
  it('still refuses them with not_an_event, naming verifyAndParseNotification', () => {
    const { body, headers } = signed(createTestNotification('v1.checkout.session.completed'));
    expect(() => verifyAndParse(body, headers['stripe-signature'], testSecret)).toThrow(expect.objectContaining({ code: 'not_an_event', message: expect.stringContaining('verifyAndParseNotification()') }));
  });
});
