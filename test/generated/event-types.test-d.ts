// Compile-only: the CLI's generated list is exactly the union stripe-node types events with.
import type Stripe from 'stripe';
import { describe, expectTypeOf, it } from 'vitest';
import type { KnownEventType } from '../../src/generated/event-types.js';

describe('src/generated/event-types.ts', () => {
  it("equals Stripe.Event['type']: no type missing, none extra", () => {
    expectTypeOf<KnownEventType>().toEqualTypeOf<Stripe.Event['type']>();
  });
});
