// The decorated handlers that the Nest ingress app and the worker application context share, as a
// user's app would: the same class, imported by both modules.
import { Inject, Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import { OnCheckoutPaid, OnStripeEvent } from '../../../src/entries/nest.js';
import type { WebhookContext } from '../../../src/types.js';

/** Where the handlers write what they did: a list in the test process, stdout in a child. */
export const EFFECTS = 'EFFECTS';
export interface Effects {
  record(line: string): void;
  /** Resolves when a handler that was told to hold (`metadata.hold`) may finish. */
  released(): Promise<void>;
}

@Injectable()
export class Fulfillment {
  constructor(@Inject(EFFECTS) private readonly effects: Effects) {}

  @OnCheckoutPaid()
  async paid(session: Stripe.Checkout.Session, event: Stripe.Event, ctx: WebhookContext) {
    this.effects.record(`start ${event.id}`);
    if (session.metadata?.hold === 'yes') await this.effects.released();
    this.effects.record(`paid ${session.metadata?.orderId ?? '?'} ${ctx.eventId}`);
  }

  @OnStripeEvent('charge.refunded')
  refunded(event: Stripe.ChargeRefundedEvent) {
    this.effects.record(`refunded ${event.data.object.id}`);
  }

  // For another endpoint's worker: the default worker must not run it.
  @OnStripeEvent('charge.refunded', { endpoint: 'connect' })
  connectRefunded(event: Stripe.ChargeRefundedEvent) {
    this.effects.record(`connect refunded ${event.data.object.id}`);
  }
}
