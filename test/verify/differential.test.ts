// Differential property test: our verifiers against stripe-node 23 on generated inputs.
// Stripe's own verifier is the oracle for accept/reject; the only intended difference is that we
// also refuse a correctly signed body that is JSON but not a Stripe event (`not_an_event`).
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { verifyAndParse } from '../../src/verify/verify-and-parse.js';
import { verifyAndParseAsync } from '../../src/verify/verify-and-parse-async.js';
import { WebhookVerificationError } from '../../src/verify/errors.js';
import { exampleEventEnvelope, exampleObjects } from '../../src/generated/example-objects.js';

const stripe = new Stripe('sk_test_differential');
const runs = 10_000;
const now = 1_790_000_000_000; // a fixed clock (ms), so timestamps can sit on the tolerance edges

interface Case {
  payload: string | Buffer;
  header: string | string[] | undefined;
  secret: string;
  tolerance: number | undefined;
}

const secretArb = fc.oneof(
  fc.constant('whsec_4eC39HqLyjWDarjtT1zdp7dc'),
  fc.string({ minLength: 1, maxLength: 40 }).map((s) => `whsec_${s}`),
  fc.constantFrom('', '   ', '\n', ' whsec_padded', 'whsec_trailing\n', 'whsec_in side'),
  fc.string({ unit: 'binary', maxLength: 24 }),
);

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

const toleranceArb = fc.constantFrom(undefined, 300, 0, 10, -5);
const ageArb = (tolerance: number | undefined) => {
  const edge = tolerance && tolerance > 0 ? tolerance : 300;
  return fc.oneof(
    fc.constantFrom(0, edge - 1, edge, edge + 1, -edge, -100_000, 10_000_000),
    fc.integer({ min: -2 * edge, max: 2 * edge }),
  );
};

const hmac = (secret: string, content: string) => createHmac('sha256', secret).update(content, 'utf8').digest('hex');

// Builds a header, possibly valid, then mutates it the ways real headers go wrong.
const caseArb: fc.Arbitrary<Case> = fc
  .record({ secret: secretArb, otherSecret: secretArb, payload: payloadTextArb, asBuffer: fc.boolean(), tolerance: toleranceArb })
  .chain(({ secret, otherSecret, payload, asBuffer, tolerance }) =>
    fc
      .record({
        age: ageArb(tolerance),
        signWith: fc.constantFrom('secret', 'secret', 'secret', 'other'),
        tField: fc.oneof({ weight: 8, arbitrary: fc.constant('exact') }, { weight: 1, arbitrary: fc.constantFrom('abc', '', '12abc', ' 17', '-1', '1e3', '0x10') }),
        signedContent: fc.constantFrom('payload', 'payload', 'payload', 'tampered'),
        mutation: fc.constantFrom(
          'none', 'none', 'none', 'reorder', 'spaces', 'v0-only', 'several-v1', 'truncated', 'uppercase', 'repeated-t',
          'empty', 'array-one', 'array-two', 'missing', 'v1-no-equals', 'v1-empty', 'extra-equals', 'garbage', 'no-t', 'v0-and-v1',
        ),
        garbage: fc.string({ unit: 'binary', maxLength: 40 }),
      })
      .map(({ age, signWith, tField, signedContent, mutation, garbage }): Case => {
        const timestamp = Math.floor(now / 1000) - age;
        const tValue = tField === 'exact' ? String(timestamp) : tField;
        const key = signWith === 'secret' ? secret : otherSecret;
        const content = `${parseInt(tValue, 10)}.${signedContent === 'payload' ? payload : `${payload} `}`;
        const sig = key ? hmac(key, content) : 'deadbeef';
        const wrong = hmac('whsec_wrong', content);
        const base = [`t=${tValue}`, `v1=${sig}`];
        const header = mutate(mutation, base, sig, wrong, tValue, garbage);
        return { payload: asBuffer ? Buffer.from(payload) : payload, header, secret, tolerance };
      }),
  );

function mutate(mutation: string, base: string[], sig: string, wrong: string, t: string, garbage: string): string | string[] | undefined {
  switch (mutation) {
    case 'reorder': return [...base].reverse().join(',');
    case 'spaces': return base.join(', ');
    case 'v0-only': return `t=${t},v0=${sig}`;
    case 'v0-and-v1': return `t=${t},v0=${wrong},v1=${sig}`;
    case 'several-v1': return `t=${t},v1=${wrong},v1=${sig},v1=${wrong}`;
    case 'truncated': return `t=${t},v1=${sig.slice(0, 63)}`;
    case 'uppercase': return `t=${t},v1=${sig.toUpperCase()}`;
    case 'repeated-t': return `t=1,${base.join(',')}`;
    case 'empty': return '';
    case 'array-one': return [base.join(',')];
    case 'array-two': return [base.join(','), base.join(',')];
    case 'missing': return undefined;
    case 'v1-no-equals': return `t=${t},v1,v1=${sig}`;
    case 'v1-empty': return `t=${t},v1=,v1=${sig}`;
    case 'extra-equals': return `t=${t},v1=${sig}=x`;
    case 'garbage': return garbage;
    case 'no-t': return `v1=${sig}`;
    default: return base.join(',');
  }
}

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
