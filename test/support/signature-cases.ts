// Generated Stripe-Signature deliveries for the differential tests: a body, then a header that
// is valid or goes wrong the ways real headers do. The body generator is the test's own.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';

export const now = 1_790_000_000_000; // a fixed clock (ms), so timestamps can sit on the tolerance edges

export interface Case {
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
export function signedCases(payloadTextArb: fc.Arbitrary<string>): fc.Arbitrary<Case> {
  return fc
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
}

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

