// Counts what the workers answered over a whole run.
import type { DeliveryOutcome } from './stripe-like-sender.js';

export interface DeliveryTally {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** 200 {"received":true}: the event ran its handlers. */
  processed: number;
  /** 200 {"received":true,"duplicate":true}: suppressed, the event was done already. */
  duplicates: number;
  /** 409 in_progress: suppressed, another delivery was running it; Stripe retries. */
  inProgress: number;
  /** 500 handler_failed: a handler threw; Stripe retries. */
  handlerFailed: number;
  /** Any other answer (other statuses, network errors, timeouts), by kind. */
  other: Record<string, number>;
  /** Deliveries that were never acknowledged within the attempt limit. */
  unacknowledged: number;
}

export function tallyDeliveries(outcomes: readonly DeliveryOutcome[]): DeliveryTally {
  const tally: DeliveryTally = { requests: 0, processed: 0, duplicates: 0, inProgress: 0, handlerFailed: 0, other: {}, unacknowledged: 0 };
  for (const outcome of outcomes) {
    if (!outcome.acknowledged) tally.unacknowledged++;
    for (const attempt of outcome.attempts) {
      tally.requests++;
      const answer = `${attempt.status} ${attempt.body}`;
      if (answer === '200 {"received":true}') tally.processed++;
      else if (answer === '200 {"received":true,"duplicate":true}') tally.duplicates++;
      else if (answer === '409 {"error":"in_progress"}') tally.inProgress++;
      else if (answer === '500 {"error":"handler_failed"}') tally.handlerFailed++;
      else {
        const kind = typeof attempt.status === 'number' ? `${attempt.status} ${attempt.body}` : attempt.status;
        tally.other[kind] = (tally.other[kind] ?? 0) + 1;
      }
    }
  }
  return tally;
}
