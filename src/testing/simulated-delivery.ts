/** One request the simulator sent, and what came back. */
export interface SimulatedDelivery {
  eventId: string;
  type: string;
  /** 1 for the original delivery, 2 and up for duplicates of the same event. */
  copy: number;
  /** 1 for a copy's first delivery, 2 and up for its retries. */
  attempt: number;
  /** Sent at the same moment as another copy of the same event: the two overlap in time. */
  concurrent: boolean;
  /** Where the schedule put it: milliseconds after the run began, in compressed time. The same seed gives the same value. */
  scheduledAt: number;
  /** When it was actually sent (epoch milliseconds). */
  sentAt: number;
  /** The `Stripe-Signature` header sent: `t=` is `signedAt` plus the scheduled time in seconds. */
  signature: string;
  /** The HTTP status, or 0 when no answer came (refused, reset, timed out). */
  status: number;
  /** The status is 2xx: the only answer Stripe counts as delivered. */
  ok: boolean;
  /** The response body (up to 2000 characters). */
  body: string;
  /** Why no answer came, when `status` is 0. */
  error?: string;
  durationMs: number;
}
