
/** The steps of a delivery that `stripe.webhook receive` times (`stripe.webhook.<step>.duration_ms`). */
export type DeliveryStep = 'verify' | 'claim' | 'dispatch' | 'complete' | 'release';

/** How the handlers' run reports to a delivery's trace: their start, in its context, and their end. */
export interface DispatchTrace {
  /**
   * Runs `start` (which starts the handlers) at once, inside the delivery's span, and starts
   * timing them. Not a wrapper around their promise: the caller, which waits for them anyway,
   * reports their end with `dispatched`, so that timing them costs no promise of its own.
   */
  dispatch<T>(start: () => T): T;
  /** The handlers settled: `failure` holds what they rejected with, when they did. */
  dispatched(failure?: { error: unknown }): void;
}

/**
 * What the handler tells telemetry about one delivery. The core calls it whether or not
 * OpenTelemetry is there: without it, `untracedDelivery` does nothing and costs nothing.
 */
export interface DeliveryTrace extends DispatchTrace {
  /**
   * The event passed verification: its id, type, livemode and account become attributes.
   * `driftedApiVersion` is the event's `api_version` when it differs from the handler's.
   */
  verified(event: VerifiedEventSummary, driftedApiVersion?: string): void;
  /** The delivery was refused before dispatch (`method_not_allowed`, a verification code, ...). */
  rejected(code: string): void;
  /**
   * Runs one step of the delivery, timed; the step's result or failure passes through as it came:
   * a step that answers at once (`verifyAndParse`, `memoryStore()`) answers at once, with no
   * promise and no turn of the event loop, so callers await only an answer that is a promise.
   */
  step<T>(name: Exclude<DeliveryStep, 'dispatch'>, run: () => T | Promise<T>): T | Promise<T>;
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
  step: (_name, run) => run(),
  dispatch: (start) => start(),
  dispatched() {},
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

/**
 * `run()` as a promise, also when it throws at once. Not an `async` function: a step that returns
 * a promise passes it on as it is, without another promise and turn of the event loop around it.
 */
export function settled<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what `run` threw, as it threw it
    return Promise.reject(error);
  }
}
