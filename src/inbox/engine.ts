import type { TransactionClient } from '../types.js';
import { invalidOption } from '../options.js';
import type { Inbox, InboxEvent } from './types.js';

// The engine's side of an inbox: what `startInboxWorker` drives and the engines implement. It is
// not part of the public types: users hold an `Inbox`, and the worker reaches this side of it
// through `inboxEngine()`.

/** What a worker's claim on one delivered job found. */
export type InboxClaim =
  /** The worker holds the event until `settle` (or the lease ends). */
  | {
      state: 'claimed';
      event: InboxEvent;
      stale: boolean;
      startedAt: Date;
      /** When the ingress stored the event: the worker's lag is measured from it. */
      receivedAt?: Date;
      /** This attempt's number: 1 for the first run. */
      attempt?: number;
      /** The ingress span's W3C `traceparent`, stored with the event. */
      traceContext?: string;
    }
  /** Done, discarded or dead already (a job delivered twice, a replay that raced): nothing to run. */
  | { state: 'settled' }
  /** Another worker holds the event, or another event of its object: run it again in `retryInMs`. */
  | { state: 'busy'; retryInMs: number }
  /** Purged from the log. */
  | { state: 'missing' };

/** How one attempt ended, recorded by `settle`. */
export interface InboxSettlement {
  status: 'done' | 'failed' | 'dead' | 'discarded';
  durationMs: number;
  error?: unknown;
}

/** One job as an engine delivered it to a worker. */
export interface InboxDelivery {
  eventId: string;
  /** How many times the event was replayed when this job was sent: a job from before a replay cannot mark it dead. */
  generation: number;
  /** False while the engine still has retries left for the job. */
  lastAttempt: boolean;
  /** The engine's id of this job, when the inbox completes it itself (pg-boss). */
  jobId?: string;
  /** The lease token to claim the event with, when the engine chose it (to find the job again at `settle`). */
  token?: string;
  /**
   * The event, claimed under `token` as the engine fetched the job (pg-boss, in the same
   * statement): the worker runs it without calling `claim`. Absent: the worker claims it.
   */
  claim?: Extract<InboxClaim, { state: 'claimed' }>;
}

/** How `startInboxWorker` asks an engine to consume. */
export interface InboxConsumeOptions {
  concurrency: number;
  /**
   * The engine gave up on an event no handler saw fail last (its last worker died, or outlived the
   * lease): called once the event is marked `dead`, so that it is counted like the others.
   */
  onDead?: (event: { id: string; type: string }) => void;
}

/** A running engine consumer, as `startInboxWorker` drives it. */
export interface InboxConsumer {
  /** Takes no new jobs; resolves once the engine stopped fetching. */
  stop(): Promise<void>;
}

/** An inbox with the engine's side: what pgBossInbox() and bullmqInbox() build. */
export interface InboxEngine extends Inbox {
  /** Starts the engine's consumer: `run` is called for each job it delivers. */
  consume(options: InboxConsumeOptions, run: (delivery: InboxDelivery) => Promise<void>): Promise<InboxConsumer>;
  /** Takes the event for one attempt, under `token`, if nothing else holds it. */
  claim(eventId: string, token: string): Promise<InboxClaim>;
  /**
   * Sends the event's job again after `delayMs`, for a job that could not run now: unlike
   * a failure, this spends none of the engine's retries.
   */
  defer(delivery: Pick<InboxDelivery, 'eventId' | 'generation'>, delayMs: number): Promise<void>;
  /**
   * Records the attempt's outcome if `token` still holds the event; resolves `false` when
   * the lease was lost (another worker took the event over).
   */
  settle(eventId: string, token: string, settlement: InboxSettlement): Promise<boolean>;
  /**
   * Present with `transactional: true`: runs `handlers` inside a transaction and marks the
   * event done in it (if `token` still holds it; else rolls back and resolves `false`), with the
   * delivery's job completed in the same transaction where the engine allows it. Rolls back, and
   * rejects, when `signal` aborts (a handler timeout, a stopping worker's grace ended).
   */
  completeInTransaction?(
    delivery: InboxDelivery,
    token: string,
    handlers: (db: TransactionClient) => Promise<void>,
    durationMs: () => number,
    signal?: AbortSignal,
  ): Promise<boolean>;
}

/** The engine's side of an inbox from pgBossInbox() or bullmqInbox(); a TypeError for anything else. */
export function inboxEngine(inbox: Inbox, entry: string): InboxEngine {
  const engine = inbox as Partial<InboxEngine> | undefined;
  if (typeof engine?.consume !== 'function' || typeof engine.claim !== 'function' || typeof engine.settle !== 'function') {
    throw invalidOption('type', entry, 'inbox', 'an inbox made by pgBossInbox() or bullmqInbox()', inbox);
  }
  return engine as InboxEngine;
}
