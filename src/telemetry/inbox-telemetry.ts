/** What the inbox worker knows about the job it is about to run. */
export interface InboxJob {
  /** A snapshot event or a thin notification, as the inbox stored it. */
  event: { id: string; type: string; livemode: boolean; account?: string | null };
  /** 1 for the first run, 2 for the first retry, ... */
  attempt: number;
  /** When the ingress queued the event, in epoch ms: the lag is measured from it. */
  queuedAt?: number;
  /** The `traceparent` the ingress stored with the event (`DeliveryTrace.traceContext()`). */
  traceContext?: string;
}

/** What the job's run may say about itself while it runs: how it ended, when it throws. */
export interface InboxJobReport {
  /** Becomes `stripe.webhook.outcome` on the job's span (`failed`, `dead`, ...). */
  outcome(value: string): void;
}

/**
 * The calls an inbox worker makes so that each job is a `stripe.webhook process <type>` span
 * (kind consumer) linked to the delivery that queued it, and lag, attempts and dead events are
 * measured. Without OpenTelemetry every call just runs `run`.
 */
export interface InboxTelemetry {
  /** Runs one job inside its span. A string result (the outcome) becomes `stripe.webhook.outcome`. */
  process<T>(job: InboxJob, run: (report: InboxJobReport) => T | Promise<T>): Promise<T>;
  /** The job ran out of attempts and is now dead: counted by type. */
  dead(event: { id: string; type: string }): void;
}

const unreported: InboxJobReport = { outcome() {} };

export const untracedInbox: InboxTelemetry = {
  process: async (_job, run) => run(unreported),
  dead() {},
};
