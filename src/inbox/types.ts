import type Stripe from 'stripe';
import type { TransactionClient } from '../types.js';
import type { ThinEventPayload, ThinEventType } from '../router/thin-types.js';

/**
 * What an inbox stores: a snapshot event, or a thin notification as it arrived (`object:
 * "v2.core.event"`); a worker rebuilds the notification with its Stripe client.
 */
export type InboxEvent = Stripe.Event | ThinEventPayload;

/**
 * Where an event stands, as an operator sees it:
 * - `queued`: stored and waiting for a worker;
 * - `processing`: a worker holds it (for at most `leaseMs`);
 * - `done`: the handlers succeeded;
 * - `failed`: an attempt failed and the engine will retry it;
 * - `dead`: the retries ran out (replay it once the cause is fixed);
 * - `discarded`: a handler threw `NonRetryableError`.
 */
export type InboxStatus = 'queued' | 'processing' | 'done' | 'failed' | 'dead' | 'discarded';

/** Every status an inbox event can have, in the order of its life. */
export const inboxStatuses: readonly InboxStatus[] = ['queued', 'processing', 'done', 'failed', 'dead', 'discarded'];

/** One run of an event's handlers. Errors are kept for operators, never sent to Stripe. */
export interface InboxAttempt {
  /** When the worker took the event (ISO 8601). */
  startedAt: string;
  /** How long the handlers ran; absent while the attempt runs (or when its worker died). */
  durationMs?: number;
  /** `name: message` of the failure. */
  error?: string;
  /** The failure's stack, for the people on call. */
  stack?: string;
}

/** One stored event without its payload, as `inbox.list()` returns it. */
export interface InboxEntry {
  /** The event's id; for a thin notification, the snapshot event it stands for (`snapshot_event`) when Stripe linked one. */
  id: string;
  type: Stripe.Event['type'] | ThinEventType;
  status: InboxStatus;
  /** `data.object.id` of the event (a thin notification's `related_object.id`), when it has one. */
  objectId: string | undefined;
  /**
   * The app's order reference, when the event's object carries one: `metadata.orderId`, else
   * `client_reference_id` (as `orderReference` finds it on a Checkout Session).
   */
  orderId: string | undefined;
  /** `event.created`, in epoch seconds (Stripe's own time). */
  created: number;
  /** When the ingress stored it (ISO 8601). */
  receivedAt: string;
  /** When its status last changed (ISO 8601). */
  updatedAt: string;
  /** How many times its handlers ran. */
  attemptCount: number;
}

/** One stored event with its payload and attempts, as `inbox.get()` returns it. */
export interface InboxRecord extends InboxEntry {
  /** The snapshot event, or the thin notification's payload (no fetch methods: a worker adds them). */
  event: InboxEvent;
  attempts: InboxAttempt[];
}

/** Filters of `inbox.list()`; every field narrows the result. */
export interface InboxListFilter {
  status?: InboxStatus | readonly InboxStatus[];
  type?: string;
  objectId?: string;
  /** The order reference (`metadata.orderId`, else `client_reference_id`). */
  orderId?: string;
  /**
   * One term an operator pasted: matches an event whose id, object id or order reference equals
   * it exactly (no partial matches, so it stays an index look-up at any size).
   */
  search?: string;
  /** Received at or after (a `Date`, or epoch ms). */
  since?: Date | number;
  /** Received before (a `Date`, or epoch ms). */
  until?: Date | number;
  /** Page size, default 50, at most 1000. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of `inbox.list`: pass `nextCursor` as `cursor` for the next. */
export interface InboxPage {
  /** Newest first. */
  items: InboxEntry[];
  /** Pass it back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

/** What `inbox.replay()` re-queues: given ids, or every event matching a filter. */
export type InboxReplaySelection = { ids: readonly string[]; includeDone?: boolean } | Omit<InboxListFilter, 'limit' | 'cursor'>;

/** What `inbox.timeline()` counts: deliveries and failures over time, for the console's chart. */
export interface InboxTimelineOptions {
  /** Start of the first bucket (a `Date`, or epoch ms). */
  since: Date | number;
  /** End of the last bucket; default now. */
  until?: Date | number;
  /** Width of one bucket in milliseconds, at least 60,000 (one minute). */
  bucketMs: number;
}

/** One bucket of `inbox.timeline()`. */
export interface InboxTimelineBucket {
  /** Start of the bucket (ISO 8601). */
  start: string;
  /** Events received in the bucket. */
  received: number;
  /** Of those, how many are `failed`, `dead` or `discarded` now. */
  failed: number;
}

/** Counts by status, for dashboards and `stripe-webhook-kit inbox stats`. */
export type InboxStats = Record<InboxStatus, number>;

/** How the engine retries a failed event before it is `dead`. */
export interface InboxRetryOptions {
  /** Retries after the first attempt. Default 8. */
  limit?: number;
  /** Delay before the first retry, in seconds. Default 10. */
  delaySeconds?: number;
  /** Double the delay at each retry (the engine's exponential backoff). Default `true`. */
  backoff?: boolean;
}

/** What both engines take. */
export interface InboxOptions {
  /** The engine's queue name. Default `stripe-events`. */
  queue?: string;
  retry?: InboxRetryOptions;
  /**
   * `'per-object'`: events about one `data.object.id` run one at a time, and an event older than
   * one already processed for its object reaches handlers with `ctx.stale === true`.
   * Default `'none'`.
   */
  ordering?: 'none' | 'per-object';
  /** How long a worker holds an event before another may take it over. Default 60 s. */
  leaseMs?: number;
}

/** What the ingress stores beside the event. */
export interface InboxEnqueueOptions {
  /** The delivery span's W3C `traceparent`, for the worker's `stripe.webhook process` span to link to. */
  traceContext?: string;
}

/** The answer of the ingress: stored now, or stored before. */
export type EnqueueOutcome = 'queued' | 'duplicate';

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
  /** The engine's id of this job, when the inbox completes it itself (pg-boss, transactional). */
  jobId?: string;
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

/**
 * A durable inbox: the kit's event log plus an engine (pg-boss or BullMQ) that distributes and
 * retries the work. Made by `pgBossInbox` or `bullmqInbox`.
 */
export interface Inbox {
  /** `'pg-boss'` or `'bullmq'`. */
  readonly engine: string;
  readonly queue: string;
  readonly leaseMs: number;
  readonly ordering: 'none' | 'per-object';
  /**
   * Stores a verified event and its job; a duplicate of a stored event enqueues nothing. A thin
   * notification is stored under its `snapshot_event` when it has one, so that it and its snapshot
   * twin are one event (as in the webhook handler's store). `traceContext` (a W3C `traceparent`)
   * links the worker's span to the delivery's.
   */
  enqueue(event: InboxEvent, options?: InboxEnqueueOptions): Promise<EnqueueOutcome>;
  /** The events matching `filter`, newest first, a page at a time. */
  list(filter?: InboxListFilter): Promise<InboxPage>;
  /** One event with its status and attempts, or `undefined`. */
  get(eventId: string): Promise<InboxRecord | undefined>;
  /** Re-queues the selected events (any status but `processing`); resolves how many. */
  replay(selection: InboxReplaySelection): Promise<number>;
  /** Deletes settled events (`done`, `discarded`, `dead`) received before `olderThan`; resolves how many. */
  purge(options: { olderThan: Date | number }): Promise<number>;
  /** How many events have each status. */
  stats(): Promise<InboxStats>;
  /** Deliveries and failures per bucket from `since` to `until`, oldest first, every bucket present (zeros included). */
  timeline(options: InboxTimelineOptions): Promise<InboxTimelineBucket[]>;
  /** Releases what the inbox opened itself (BullMQ's queue connection); the client you passed stays open. */
  close(): Promise<void>;

  /** @internal The worker's side, used by `startInboxWorker`. */
  consume(options: InboxConsumeOptions, run: (delivery: InboxDelivery) => Promise<void>): Promise<InboxConsumer>;
  /** @internal */
  claim(eventId: string, token: string): Promise<InboxClaim>;
  /**
   * @internal Sends the event's job again after `delayMs`, for a job that could not run now: unlike
   * a failure, this spends none of the engine's retries.
   */
  defer(delivery: Pick<InboxDelivery, 'eventId' | 'generation'>, delayMs: number): Promise<void>;
  /**
   * @internal Records the attempt's outcome if `token` still holds the event; resolves `false` when
   * the lease was lost (another worker took the event over).
   */
  settle(eventId: string, token: string, settlement: InboxSettlement): Promise<boolean>;
  /**
   * @internal Present with `transactional: true`: runs `handlers` inside a transaction and marks the
   * event done in it (if `token` still holds it; else rolls back and resolves `false`), with the
   * delivery's job completed in the same transaction where the engine allows it.
   */
  completeInTransaction?(delivery: InboxDelivery, token: string, handlers: (db: TransactionClient) => Promise<void>, durationMs: () => number): Promise<boolean>;
}
