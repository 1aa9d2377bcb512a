import type { TransactionClient, WebhookContext, WebhookLogger } from '../types.js';
import { defaultLogger } from '../logger.js';
import { deduplicationKey, isThinNotification, type RoutableEvent } from '../event-types.js';

// A dispatch called without a signal (a test, a script) is never abandoned: one signal serves them
// all. Made at the first such dispatch, not at import: Workers refuse it in a module's global scope.
let neverAborted: AbortSignal | undefined;

/** Where an object with a lazy `signal` keeps the function that makes it. */
const readSignal = Symbol('stripe-webhook-kit.readSignal');
type SignalSource = { [readSignal]?: (() => AbortSignal | undefined) | undefined };

// One getter for every object. A getter written in an object literal is a new function per object,
// which V8 keeps in the object's hidden class, in old space: it and all it closes over (the event,
// its run) then outlive young-generation collections, and each delivery's garbage waited for a
// full collection (megabytes per scavenge under load, see bench/).
const lazySignal: PropertyDescriptor = {
  get(this: SignalSource): AbortSignal {
    return this[readSignal]?.() ?? (neverAborted ??= new AbortController().signal);
  },
  enumerable: true,
  configurable: true,
};

/**
 * Gives `target` a `signal` that calls `read` at each read (never when nothing reads it): a caller
 * that needs a signal per run makes it only then, since an AbortSignal costs a few µs on Node 20
 * and most handlers never read it. Without `read`, or when it answers nothing, a signal that is
 * never aborted.
 */
export function defineLazySignal<T extends object>(target: T, read: (() => AbortSignal | undefined) | undefined): T & { readonly signal: AbortSignal } {
  (target as SignalSource)[readSignal] = read;
  return Object.defineProperty(target, 'signal', lazySignal) as T & { readonly signal: AbortSignal };
}

/** The handlers' `ctx`: `signal` is made at its first read (see defineLazySignal). */
export function createContext(event: RoutableEvent, logger: WebhookLogger = defaultLogger, stale = false, db?: TransactionClient, signal?: () => AbortSignal | undefined): WebhookContext {
  const thin = isThinNotification(event);
  // A thin notification's Stripe context is the connected account (Connect), if any.
  const eventId = thin ? deduplicationKey(event) : event.id;
  const account = thin ? event.context?.toString() || undefined : (event.account ?? undefined);
  const { type, livemode } = event;
  const ctx: WebhookContext = defineLazySignal({ eventId, type, livemode, account, logger, stale }, signal);
  if (db) ctx.db = db;
  return ctx;
}
