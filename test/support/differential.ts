// What the differential tests share: each runs one of our verifiers and stripe-node's on the same
// generated delivery, and compares only accept/reject. Stripe is the oracle; the one intended
// difference is that we also refuse correctly signed JSON that is not an event (`not_an_event`).
import { WebhookVerificationError } from '../../src/verify/errors.js';
import type { Case } from './signature-cases.js';

export type Outcome = { accepted: true } | { accepted: false; code?: string };

/** stripe-node's decision: any throw is a rejection. */
export function stripeOutcome(run: () => unknown): Outcome {
  try {
    run();
    return { accepted: true };
  } catch {
    return { accepted: false };
  }
}

export async function stripeOutcomeAsync(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return { accepted: true };
  } catch {
    return { accepted: false };
  }
}

/** Our decision: a rejection must be a `WebhookVerificationError`; anything else is a bug. */
export function ourOutcome(run: () => unknown): Outcome {
  try {
    run();
    return { accepted: true };
  } catch (error) {
    if (!WebhookVerificationError.is(error)) throw error;
    return { accepted: false, code: error.code };
  }
}

export async function ourOutcomeAsync(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return { accepted: true };
  } catch (error) {
    if (!WebhookVerificationError.is(error)) throw error;
    return { accepted: false, code: error.code };
  }
}

export function agrees(ours: Outcome, theirs: Outcome): boolean {
  if (ours.accepted === theirs.accepted) return true;
  return theirs.accepted && !ours.accepted && ours.code === 'not_an_event';
}

/** How the generated cases fell: a run must exercise every side, or it proves nothing. */
export interface Tally {
  accepted: number;
  rejected: number;
  notAnEvent: number;
}

export const newTally = (): Tally => ({ accepted: 0, rejected: 0, notAnEvent: 0 });

export function count(tally: Tally, ours: Outcome, theirs: Outcome): void {
  if (ours.accepted) tally.accepted++;
  else if (ours.code === 'not_an_event' && theirs.accepted) tally.notAnEvent++;
  else tally.rejected++;
}

export const describeCase = (c: Case, ours: Outcome, theirs: Outcome) => JSON.stringify({ ours, theirs, header: c.header, tolerance: c.tolerance });
