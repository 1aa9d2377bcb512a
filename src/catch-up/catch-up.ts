import type Stripe from 'stripe';
import type { ProcessOutcome } from '../processing/process-event.js';
import { describeError } from '../router/create-webhook-router.js';
import { defaultLogger, resolveLogger } from '../logger.js';
import type { WebhookLogger } from '../types.js';
import { optionMessage } from '../options.js';
import { CatchUpError } from './catch-up-error.js';
import { createCatchUpWarnings } from './catch-up-warnings.js';
import { eventsOldestFirst } from './event-window.js';
import { parseSince, type Since } from './parse-since.js';
import type { StripeReadClient } from './stripe-client.js';
import { snapshotTypesOf } from './snapshot-types.js';
import { thinCreatedSeconds, thinEventsOldestFirst } from './thin-event-window.js';
import { eventLogFields } from '../inbox/inbox-event.js';
import type { InboxEvent } from '../inbox/types.js';
import type { RoutableEvent, ThinEventPayload } from '../event-types.js';

/** Runs a trusted event through the store and the router: `createWebhookHandler(...)` is one. */
export interface CatchUpHandler {
  /** Runs one event through the endpoint's store and router (a `WebhookHandler` has it). */
  process(event: RoutableEvent): Promise<ProcessOutcome>;
  readonly logger?: WebhookLogger;
}

/** A durable inbox (docs/inbox.md): stores the event for its workers, once per event id. */
export interface CatchUpInbox {
  /** Stores the event for the inbox's workers; `'duplicate'` when it holds the event already. */
  enqueue(event: InboxEvent): Promise<'queued' | 'duplicate'>;
}

/** What `catchUp` reads, and where the events it finds go: `handler` or `inbox`. */
export interface CatchUpOptions {
  /** The app's stripe-node client; a restricted key with Events: read is enough. */
  stripe: StripeReadClient;
  /** The start of the window: a `Date`, Unix seconds, an ISO date, or a duration (`'72h'`, `'7d'`). */
  since: Since;
  /** Only these event types. Default: the types `router` has handlers for, else every type. */
  types?: readonly string[];
  /** Its `eventTypes` are the default `types`. */
  router?: { readonly eventTypes: ReadonlySet<string> };
  /** Only events that some endpoint has not acknowledged (Stripe's `delivery_success=false`). */
  undeliveredOnly?: boolean;
  /**
   * Also read thin events (`GET /v2/core/events`), after the snapshot events. Default: when
   * `types` lists thin types (`v1.*`, `v2.*`); `true` reads the router's thin types (every thin
   * type if it has none). Needs a secret key (the v2 API refuses restricted keys), and the
   * client's `parseEventNotificationWithoutVerification` when a `handler` runs them.
   */
  thin?: boolean;
  /** Processes each event through the app's store and router. Give this or `inbox`. */
  handler?: CatchUpHandler;
  /** Stores each event for the inbox's workers instead. Give this or `handler`. */
  inbox?: CatchUpInbox;
  /** List the window's events (to `onProgress`) without claiming or processing anything. */
  dryRun?: boolean;
  /** Called after each event, in the order they are processed (oldest first). */
  onProgress?: (progress: CatchUpProgress) => void;
  /** Where warnings go. Default the handler's logger, else the console; `false` logs nothing. */
  logger?: WebhookLogger | false;
  /** The clock, in epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** The counters of a run: `fetched = alreadyDone + processed + failed + inProgress`. */
export interface CatchUpResult {
  /** Events the Events API listed in the window (of the wanted types). */
  fetched: number;
  /** Skipped without running handlers: the store had them done (or the inbox already held them). */
  alreadyDone: number;
  /** Handlers ran and the event is recorded done (`discarded` included), or the inbox queued it. */
  processed: number;
  /**
   * A handler failed: the claim was released, so the next run retries the event. (A store that
   * cannot claim counts here too, and stops the run.)
   */
  failed: number;
  /** Another process held the event's claim (a webhook delivery or a parallel run): it decides. */
  inProgress: number;
  /** Of `processed`, those a handler ended with `NonRetryableError`. */
  discarded: number;
  /** The window, in Unix seconds. */
  since: number;
  until: number;
  /** What the run also logged: a window older than the Events API keeps, other API versions. */
  warnings: string[];
}

/** What became of one event: the handler's outcome, `queued` into an inbox, or `dry_run`. */
export type CatchUpOutcome = ProcessOutcome | 'queued' | 'dry_run';

/** Given to `onProgress` after each event: the event, its outcome and the counters so far. */
export interface CatchUpProgress extends Omit<CatchUpResult, 'warnings'> {
  /** A snapshot event, or a thin event (`object: "v2.core.event"`, `created` in ISO 8601). */
  event: Stripe.Event | ThinEventPayload;
  /** The event's `created` in Unix seconds, for both kinds: against `since` and `until`, how far the run is. */
  created: number;
  outcome: CatchUpOutcome;
}

/**
 * Pages Stripe's Events API over the window and feeds each event the app has not processed,
 * oldest first, through the same store and router as the webhook endpoint (or into the inbox).
 * Events the store has done are skipped without running handlers, so a second run processes
 * nothing, and runs in several processes at once are safe: the store's claim decides.
 */
export async function catchUp(options: CatchUpOptions): Promise<CatchUpResult> {
  const { stripe, handler, inbox } = validate(options);
  const now = options.now ?? Date.now;
  const logger = options.logger === undefined ? (handler?.logger ?? defaultLogger) : resolveLogger(options.logger);
  const until = Math.floor(now() / 1000);
  const since = parseSince(options.since, now());
  if (since > until) throw new CatchUpError('invalid_since', optionMessage('catchUp', 'since', 'a time in the past', new Date(since * 1000)));
  const snapshotTypes = options.router && snapshotTypesOf(options.router);
  const routerTypes = snapshotTypes && snapshotTypes.length > 0 ? snapshotTypes : undefined;
  const types = options.types ? options.types.filter((type) => !isThinType(type)) : routerTypes;
  const thinTypes = (options.types ?? [...(options.router?.eventTypes ?? [])]).filter(isThinType);
  const readThin = options.thin ?? (options.types !== undefined && thinTypes.length > 0);
  // `types` that lists only thin types asks for no snapshot event.
  const readSnapshots = types === undefined || types.length > 0;

  const result: CatchUpResult = { fetched: 0, alreadyDone: 0, processed: 0, failed: 0, inProgress: 0, discarded: 0, since, until, warnings: [] };
  const warnings = createCatchUpWarnings(stripe, logger, result.warnings);
  warnings.checkWindow(since, until);

  const window = { since, until, types, undeliveredOnly: options.undeliveredOnly === true };
  const run = async (event: Stripe.Event | ThinEventPayload, routable: () => RoutableEvent) => {
    result.fetched++;
    const outcome: CatchUpOutcome = options.dryRun ? 'dry_run' : inbox ? await enqueue(inbox, event) : await (handler as CatchUpHandler).process(routable());
    if (outcome === 'store_unavailable') {
      result.failed++;
      throw new CatchUpError('store_unavailable', `the idempotency store failed to claim ${event.id} (its error is logged)`);
    }
    count(result, outcome);
    const created = event.object === 'event' ? event.created : thinCreatedSeconds(event);
    options.onProgress?.({ ...withoutWarnings(result), event, created, outcome });
  };
  try {
    if (readSnapshots) {
      for await (const page of eventsOldestFirst(stripe, window)) {
        for (const event of page) {
          warnings.checkApiVersion(event);
          await run(event, () => event);
        }
      }
    }
    if (readThin) {
      const thin = await thinEventsOldestFirst(stripe, { since, until, types: thinTypes.length > 0 ? thinTypes : undefined });
      // The same machinery as a delivery's: the notification's fetches use this client.
      for (const event of thin) await run(event, () => buildNotification(notificationClient(stripe, handler), eventLogFields(event).payload));
    }
  } catch (error) {
    if (!CatchUpError.is(error)) throw error;
    // One message for the person running it: what failed, how far the run got, what to do.
    throw new CatchUpError(error.code, `catchUp stopped: ${error.message}; ${progressNote(result)}`, result, { cause: error.cause ?? error });
  }
  return result;
}

function validate(options: CatchUpOptions) {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'an object with `stripe`, `since` and `handler` or `inbox`', options);
  const { stripe, handler, inbox } = options;
  if (typeof stripe?.events?.list !== 'function') throw invalid('stripe', 'a stripe-node client: new Stripe(key)', stripe);
  if (handler !== undefined && inbox !== undefined) throw invalid('inbox', 'left out when `handler` is given (give one of them, not both)');
  if (handler !== undefined && typeof handler.process !== 'function') throw invalid('handler', 'a handler from createWebhookHandler()', handler);
  if (inbox !== undefined && typeof inbox.enqueue !== 'function') throw invalid('inbox', 'an inbox with an enqueue(event) method, from pgBossInbox() or bullmqInbox()', inbox);
  if (options.types !== undefined && options.types.length === 0) throw invalid('types', "a non-empty list of event types, or left out to read the router's types", options.types);
  if (handler === undefined && inbox === undefined && options.dryRun !== true) {
    throw invalid('handler', 'given (from createWebhookHandler), or `inbox` instead, or `dryRun: true` to only list the events', handler);
  }
  return { stripe, handler, inbox };
}

async function enqueue(inbox: CatchUpInbox, event: InboxEvent): Promise<CatchUpOutcome> {
  try {
    return (await inbox.enqueue(event)) === 'duplicate' ? 'duplicate' : 'queued';
  } catch (error) {
    throw new CatchUpError('inbox_unavailable', `the inbox could not store ${event.id} (${describeError(error)})`, undefined, { cause: error });
  }
}

function count(result: CatchUpResult, outcome: CatchUpOutcome): void {
  if (outcome === 'processed' || outcome === 'queued') result.processed++;
  else if (outcome === 'discarded') {
    result.processed++;
    result.discarded++;
  } else if (outcome === 'duplicate') result.alreadyDone++;
  else if (outcome === 'in_progress') result.inProgress++;
  else if (outcome === 'failed') result.failed++;
}

function progressNote(result: CatchUpResult): string {
  return (
    `${result.processed} event(s) were processed and ${result.alreadyDone} were already done before it stopped; ` +
    'run catch-up again once it is fixed: what is done is skipped, the rest runs oldest first'
  );
}

function withoutWarnings({ warnings: _warnings, ...counters }: CatchUpResult): Omit<CatchUpResult, 'warnings'> {
  return counters;
}

function isThinType(type: string): boolean {
  return /^v\d+\./.test(type);
}

function notificationClient(stripe: StripeReadClient, handler: CatchUpHandler | undefined): StripeReadClient & Required<Pick<StripeReadClient, 'parseEventNotificationWithoutVerification'>> {
  if (handler && typeof stripe.parseEventNotificationWithoutVerification !== 'function') {
    throw invalid('stripe', 'a client of stripe-node 23 or later (with `parseEventNotificationWithoutVerification`) to run thin events through a handler', stripe);
  }
  return stripe as StripeReadClient & Required<Pick<StripeReadClient, 'parseEventNotificationWithoutVerification'>>;
}

function buildNotification(stripe: Required<Pick<StripeReadClient, 'parseEventNotificationWithoutVerification'>>, payload: string): RoutableEvent {
  return stripe.parseEventNotificationWithoutVerification(payload);
}

function invalid(option: string, requirement: string, ...given: [unknown?]): CatchUpError {
  return new CatchUpError('invalid_options', optionMessage('catchUp', option, requirement, ...given));
}
