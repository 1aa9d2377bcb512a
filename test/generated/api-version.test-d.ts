// Compile-only: the handler's default apiVersion is the version the installed stripe types describe.
import type Stripe from 'stripe';
import { describe, expectTypeOf, it } from 'vitest';
import type { stripeTypesApiVersion } from '../../src/generated/api-version.js';

describe('src/generated/api-version.ts', () => {
  it('equals Stripe.LatestApiVersion', () => {
    expectTypeOf<typeof stripeTypesApiVersion>().toEqualTypeOf<Stripe.LatestApiVersion>();
  });
});
