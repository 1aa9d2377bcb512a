// Differential property test: our verifiers against stripe-node 23 on generated inputs.
// Stripe's own verifier is the oracle for accept/reject; the only intended difference is that we
// also refuse a correctly signed body that is JSON but not a Stripe event (`not_an_event`).
import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { verifyAndParse } from '../../src/verify/verify-and-parse.js';
import { verifyAndParseAsync } from '../../src/verify/verify-and-parse-async.js';
import { exampleEventEnvelope, exampleObjects } from '../../src/generated/example-objects.js';
import { agrees, count, describeCase, newTally, ourOutcome, ourOutcomeAsync, stripeOutcome, stripeOutcomeAsync } from '../support/differential.js';
import { now, signedCases } from '../support/signature-cases.js';

const stripe = new Stripe('sk_test_differential');
const runs = 10_000;

const unicodeText = fc.string({ unit: 'binary', maxLength: 64 });
const eventPayload = fc.record({ description: unicodeText, orderId: unicodeText, pretty: fc.boolean() }).map(({ description, orderId, pretty }) => {
  const event = {
    ...exampleEventEnvelope,
    type: 'checkout.session.completed',
    data: { object: { ...exampleObjects['checkout.session'], metadata: { orderId }, custom_text: { submit: { message: description } } } },
  };
  return JSON.stringify(event, null, pretty ? 2 : undefined);
});
const payloadTextArb = fc.oneof(
  { weight: 6, arbitrary: eventPayload },
  { weight: 2, arbitrary: unicodeText },
  { weight: 1, arbitrary: fc.constantFrom('', '{}', '[]', 'null', '{"object":"v2.core.event","id":"evt_1"}', '{"id":"evt_1","object":"event"}') },
  { weight: 1, arbitrary: fc.integer({ min: 16, max: 256 }).chain((kib) => eventPayload.map((p) => p.replace('"description"', `"padding":"${'x'.repeat(kib * 1024)}","description"`))) },
);

const caseArb = signedCases(payloadTextArb);

describe('verifyAndParse agrees with stripe-node 23 constructEvent', () => {
  it(`decides ${runs} generated deliveries the same way`, () => {
    const tally = newTally();
    fc.assert(
      fc.property(caseArb, (c) => {
        const theirs = stripeOutcome(() => stripe.webhooks.constructEvent(c.payload, c.header as string, c.secret, c.tolerance, undefined, now));
        const ours = ourOutcome(() => verifyAndParse(c.payload, c.header, c.secret, { tolerance: c.tolerance, now: () => now }));
        count(tally, ours, theirs);
        expect(agrees(ours, theirs), describeCase(c, ours, theirs)).toBe(true);
      }),
      { numRuns: runs },
    );
    // The generator must exercise both sides, or the comparison proves nothing.
    expect(tally.accepted).toBeGreaterThan(runs / 10);
    expect(tally.rejected).toBeGreaterThan(runs / 10);
    expect(tally.notAnEvent).toBeGreaterThan(0);
  });
});

describe('verifyAndParseAsync agrees with stripe-node 23 constructEventAsync', () => {
  it(`decides ${runs} generated deliveries the same way`, async () => {
    const tally = newTally();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const theirs = await stripeOutcomeAsync(() => stripe.webhooks.constructEventAsync(c.payload, c.header as string, c.secret, c.tolerance, undefined, now));
        const ours = await ourOutcomeAsync(() => verifyAndParseAsync(c.payload, c.header, c.secret, { tolerance: c.tolerance, now: () => now }));
        count(tally, ours, theirs);
        expect(agrees(ours, theirs), describeCase(c, ours, theirs)).toBe(true);
      }),
      { numRuns: runs },
    );
    expect(tally.accepted).toBeGreaterThan(runs / 10);
    expect(tally.rejected).toBeGreaterThan(runs / 10);
  });
});
