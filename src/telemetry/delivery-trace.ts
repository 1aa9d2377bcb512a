
/** The steps of a delivery that get a child span of `stripe.webhook receive`. */
export type DeliveryStep = 'verify' | 'claim' | 'dispatch' | 'complete' | 'release';

/**
 * What the handler tells telemetry about one delivery. The core calls it whether or not
 * OpenTelemetry is there: without it, `untracedDelivery` does nothing and costs nothing.
 */
export interface DeliveryTrace {
  /** The event passed verification: its id, type, livemode and account become attributes. */
  verified(event: VerifiedEventSummary): void;
  /** The delivery was refused before dispatch (`method_not_allowed`, a verification code, ...). */
  rejected(code: string): void;
  /** Runs one step inside its own child span; the step's result or rejection passes through. */
  step<T>(name: DeliveryStep, run: () => T | Promise<T>): Promise<T>;
  /** What became of the verified event (a `ProcessOutcome`, or `queued` for the inbox). */
  outcome(outcome: string): void;
  /**
   * The delivery's W3C `traceparent`, to store beside an event queued in the inbox so the
   * worker's `stripe.webhook process <type>` span can link to this one. `undefined` when untraced.
   */
  traceContext(): string | undefined;
}

export const untracedDelivery: DeliveryTrace = {
  verified() {},
  rejected() {},
  step: async (_name, run) => run(),
  outcome() {},
  traceContext: () => undefined,
};

/** What a span records of a verified delivery: a snapshot event, or a thin notification (whose account is its `context`). */
export interface VerifiedEventSummary {
  id: string;
  type: string;
  livemode: boolean;
  account?: string | null;
  context?: string | null;
}
