// Differential property test: verifyAndParseNotification(Async) against stripe-node 23's
// parseEventNotification(Async) on generated deliveries. stripe-node is the oracle for
// accept/reject; the only intended difference is that we also refuse a correctly signed
// `v2.core.event` without an `id` or a `type` (`not_an_event`), which stripe-node passes on.
import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createTestEvent, createTestNotification } from '../../src/entries/testing.js';
import { verifyAndParseNotificationAsync } from '../../src/verify/verify-and-parse-notification-async.js';
import { verifyAndParseNotification } from '../../src/verify/verify-and-parse-notification.js';
import { agrees, count, describeCase, newTally, ourOutcome, ourOutcomeAsync, stripeOutcome, stripeOutcomeAsync } from '../support/differential.js';
import { now, signedCases } from '../support/signature-cases.js';

const stripe = new Stripe('sk_test_differential');
const runs = 10_000;

const unicodeText = fc.string({ unit: 'binary', maxLength: 64 });
const thinTypes = ['v1.checkout.session.completed', 'v1.checkout.session.async_payment_failed', 'v1.customer.created', 'v2.core.event_destination.ping', 'v2.core.account.updated'] as const;
const notificationPayload = fc
  .record({ type: fc.constantFrom(...thinTypes), context: fc.option(unicodeText), snapshot: fc.option(unicodeText), pretty: fc.boolean() })
  .map(({ type, context, snapshot, pretty }) => {
    const notification = createTestNotification(type, { ...(context === null ? {} : { context }), ...(snapshot === null ? {} : { snapshot_event: snapshot }) });
    return JSON.stringify(notification, null, pretty ? 2 : undefined);
  });
const payloadTextArb = fc.oneof(
  { weight: 10, arbitrary: notificationPayload },
  // A snapshot event is refused by both, each pointing at the other parser.
  { weight: 1, arbitrary: fc.constant(null).map(() => JSON.stringify(createTestEvent('checkout.session.completed'))) },
  { weight: 2, arbitrary: unicodeText },
  { weight: 1, arbitrary: fc.constantFrom('', '{}', '[]', 'null', '"v2.core.event"', '{"object":"v2.core.event"}', '{"object":"v2.core.event","id":"evt_1","type":"v1.x"}', '{"object":"event","id":"evt_1"}') },
);
const caseArb = signedCases(payloadTextArb);

// stripe-node's parseEventNotification reads `tolerance || 300`, so 0 means 300 there, while
// here (as in verifyAndParse and constructEvent) 0 turns the age check off. stripe-node skips the
// check for any tolerance <= 0 other than 0, so the same decision is asked of it with -1.
const stripeTolerance = (tolerance: number | undefined) => (tolerance === 0 ? -1 : tolerance);

describe('verifyAndParseNotification agrees with stripe-node 23 parseEventNotification', () => {
  it(`decides ${runs} generated deliveries the same way`, () => {
    const t = newTally();
    fc.assert(
      fc.property(caseArb, (c) => {
        const stripes = stripeOutcome(() => stripe.parseEventNotification(c.payload, c.header as string, c.secret, stripeTolerance(c.tolerance), undefined, now));
        const mine = ourOutcome(() => verifyAndParseNotification(c.payload, c.header, c.secret, { tolerance: c.tolerance, now: () => now }));
        count(t, mine, stripes);
        expect(agrees(mine, stripes), describeCase(c, mine, stripes)).toBe(true);
      }),
      { numRuns: runs },
    );
    // The generator must exercise both sides, or the comparison proves nothing.
    expect(t.accepted).toBeGreaterThan(runs / 10);
    expect(t.rejected).toBeGreaterThan(runs / 10);
    expect(t.notAnEvent).toBeGreaterThan(0);
  });
});

describe('verifyAndParseNotificationAsync agrees with stripe-node 23 parseEventNotificationAsync', () => {
  it(`decides ${runs} generated deliveries the same way`, async () => {
    const t = newTally();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const stripes = await stripeOutcomeAsync(() => stripe.parseEventNotificationAsync(c.payload, c.header as string, c.secret, stripeTolerance(c.tolerance), undefined, now));
        const mine = await ourOutcomeAsync(() => verifyAndParseNotificationAsync(c.payload, c.header, c.secret, { tolerance: c.tolerance, now: () => now }));
        count(t, mine, stripes);
        expect(agrees(mine, stripes), describeCase(c, mine, stripes)).toBe(true);
      }),
      { numRuns: runs },
    );
    expect(t.accepted).toBeGreaterThan(runs / 10);
    expect(t.rejected).toBeGreaterThan(runs / 10);
  });
});
