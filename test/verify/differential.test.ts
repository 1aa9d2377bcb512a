// Differential property test: our verifiers against stripe-node 23 on generated inputs.
// Stripe's own verifier is the oracle for accept/reject; the only intended difference is that we
// also refuse a correctly signed body that is JSON but not a Stripe event (`not_an_event`).
import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { verifyAndParse } from '../../src/verify/verify-and-parse.js';
import { verifyAndParseAsync } from '../../src/verify/verify-and-parse-async.js';
import { WebhookVerificationError } from '../../src/verify/errors.js';
import { exampleEventEnvelope, exampleObjects } from '../../src/generated/example-objects.js';
import { now, signedCases, type Case } from '../support/signature-cases.js';

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

type Outcome = { accepted: true } | { accepted: false; code?: string };

function stripeDecision(c: Case): Outcome {
  try {
    stripe.webhooks.constructEvent(c.payload, c.header as string, c.secret, c.tolerance, undefined, now);
    return { accepted: true };
  } catch {
    return { accepted: false };
  }
}

async function stripeDecisionAsync(c: Case): Promise<Outcome> {
  try {
    await stripe.webhooks.constructEventAsync(c.payload, c.header as string, c.secret, c.tolerance, undefined, now);
    return { accepted: true };
  } catch {
    return { accepted: false };
  }
}

function ourOutcome(run: () => unknown): Outcome {
  try {
    run();
    return { accepted: true };
  } catch (error) {
    if (!WebhookVerificationError.is(error)) throw error; // anything else is a bug
    return { accepted: false, code: error.code };
  }
}

async function ourOutcomeAsync(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return { accepted: true };
  } catch (error) {
    if (!WebhookVerificationError.is(error)) throw error;
    return { accepted: false, code: error.code };
  }
}

// Stripe accepts any correctly signed JSON; we refuse what is not an event, by design.
function agrees(ours: Outcome, theirs: Outcome): boolean {
  if (ours.accepted === theirs.accepted) return true;
  return theirs.accepted && !ours.accepted && ours.code === 'not_an_event';
}

describe('verifyAndParse agrees with stripe-node 23 constructEvent', () => {
  it(`decides ${runs} generated deliveries the same way`, () => {
    const tally = { accepted: 0, rejected: 0, notAnEvent: 0 };
    fc.assert(
      fc.property(caseArb, (c) => {
        const theirs = stripeDecision(c);
        const ours = ourOutcome(() => verifyAndParse(c.payload, c.header, c.secret, { tolerance: c.tolerance, now: () => now }));
        if (ours.accepted) tally.accepted++;
        else if (ours.code === 'not_an_event' && theirs.accepted) tally.notAnEvent++;
        else tally.rejected++;
        expect(agrees(ours, theirs), JSON.stringify({ ours, theirs, header: c.header, tolerance: c.tolerance })).toBe(true);
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
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const theirs = await stripeDecisionAsync(c);
        const ours = await ourOutcomeAsync(() => verifyAndParseAsync(c.payload, c.header, c.secret, { tolerance: c.tolerance, now: () => now }));
        if (ours.accepted) accepted++;
        expect(agrees(ours, theirs), JSON.stringify({ ours, theirs, header: c.header, tolerance: c.tolerance })).toBe(true);
      }),
      { numRuns: runs },
    );
    expect(accepted).toBeGreaterThan(runs / 10);
  });
});
