import type { ClaimResult, IdempotencyStore } from '../types.js';
import { forgetOldest } from './forget-oldest.js';
import { defaults, positiveMs, wholeNumber } from '../options.js';

/** Options of `memoryStore`: how many events it remembers, and for how long. */
export interface MemoryStoreOptions {
  /**
   * Most event ids remembered. Past it the oldest are forgotten first, 1/64 of this at a time (so
   * the store holds between 63/64 of it and all of it). Default 100,000.
   */
  maxEntries?: number;
  /** How long a done event is remembered, in ms. Default 7 days (Stripe retries for 3). */
  retentionMs?: number;
  /** The clock, in epoch ms (for tests). Default `Date.now`. */
  now?: () => number;
}

export interface MemoryStore extends IdempotencyStore {
  /** Event ids currently remembered (claimed or done). */
  readonly size: number;
}

/** An event whose handlers run: when its lease ends, and the token of the claim that holds it. */
interface Lease {
  expiresAt: number;
  token: string | undefined;
}

/** Until when an entry holds: a lease's end, or (a done event's entry is that number alone) the end of its retention. */
const expiresAtOf = (entry: Lease | number) => (typeof entry === 'number' ? entry : entry.expiresAt);

/**
 * Deduplicates within one process. Enough for a single instance; several instances need a shared
 * store (`stripe-webhook-kit/postgres` or `stripe-webhook-kit/redis`).
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxEntries = wholeNumber('memoryStore', 'maxEntries', options.maxEntries, 100_000);
  // Infinity is allowed: entries then leave only when maxEntries pushes the oldest out.
  const retentionMs = positiveMs('memoryStore', 'retentionMs', options.retentionMs, defaults.retentionMs, { infinite: true });
  const now = options.now ?? Date.now;

  // Insertion order is age order: a claim adds its id at the end, and marking it done keeps it
  // in place (its claim was moments before). Done events, nearly every entry, are a number each
  // rather than an object: at 100,000 entries that is less for the garbage collector to walk.
  const entries = new Map<string, Lease | number>();
  let writesSinceSweep = 0;

  /** Bounds the map after `set` added an id to it. */
  const added = () => {
    forgetOldest(entries, maxEntries);
    // Expired ids are swept once per quarter of the map's size in writes (at least 1,024), so a
    // sweep costs a few checks per write however large the map is.
    if (++writesSinceSweep >= Math.max(1024, entries.size >> 2)) sweepExpired();
  };

  // Oldest first, up to the first done event still remembered: done events are in the order of
  // their claims, a moment before their completions, so the ones after it end later (give or take
  // handlers' durations; what a sweep leaves, the next one or a claim's own check takes).
  const sweepExpired = () => {
    writesSinceSweep = 0;
    const time = now();
    for (const [eventId, entry] of entries) {
      if (expiresAtOf(entry) <= time) entries.delete(eventId);
      else if (typeof entry === 'number') return;
    }
  };

  // Nothing awaits between the read and the write, so a claim is atomic within the process.
  const claim = (eventId: string, leaseMs: number, token?: string): ClaimResult => {
    const time = now();
    const entry = entries.get(eventId);
    if (entry !== undefined) {
      if (typeof entry === 'number') {
        if (entry > time) return 'done';
      } else if (entry.expiresAt > time) {
        return token !== undefined && entry.token === token ? 'claimed' : 'in_progress';
      }
      // Expired: claimed again below, as the newest entry.
      entries.delete(eventId);
    }
    entries.set(eventId, { expiresAt: time + leaseMs, token });
    added();
    return 'claimed';
  };
  const complete = (eventId: string): void => {
    const size = entries.size;
    entries.set(eventId, now() + retentionMs);
    if (entries.size > size) added();
  };
  // With a token, only that claim's lease: a newer claim (taken after it ran out) stays.
  const release = (eventId: string, token?: string): void => {
    const entry = entries.get(eventId);
    if (typeof entry === 'object' && (token === undefined || entry.token === token)) entries.delete(eventId);
  };

  // The store's methods, kept to tell them from a replacement (a test's spy, an app's wrapper).
  const own: Pick<IdempotencyStore, 'claim' | 'complete' | 'release'> = {
    claim: async (eventId, leaseMs, token) => claim(eventId, leaseMs, token),
    complete: async (eventId) => complete(eventId),
    release: async (eventId, token) => release(eventId, token),
  };
  const store: MemoryStore = {
    get size() {
      return entries.size;
    },
    ...own,
  };
  // Not enumerable, so that a copy (`{ ...memoryStore(), claim }`) is a store of its own.
  Object.defineProperty(store, answersAtOnce, { value: { claim, complete, release, of: store, own } });
  return store;
}

const answersAtOnce = Symbol('stripe-webhook-kit.memoryStore.answersAtOnce');

/** The same calls as an `IdempotencyStore`'s, answered without a promise. */
export interface ImmediateStore {
  claim(eventId: string, leaseMs: number, token?: string): ClaimResult;
  complete(eventId: string, token?: string): void;
  release(eventId: string, token?: string): void;
  /** The methods `memoryStore()` gave the store: a call answers at once only while the store still has its own. */
  own: Pick<IdempotencyStore, 'claim' | 'complete' | 'release'>;
}

/**
 * The memory store's calls as they answer, synchronously, when `store` is `memoryStore()`'s own
 * object (a copy is not): the handler then skips the promises, the store deadline and the
 * event-loop turns around each call, which cost several times the Map lookups themselves. Asked
 * once per handler; each call still checks that the store keeps that method (`own`), since a
 * test's spy or an app's wrapper may replace it at any time. `undefined` for any other store.
 */
export function immediateStore(store: IdempotencyStore): ImmediateStore | undefined {
  const immediate = (store as { [answersAtOnce]?: ImmediateStore & { of: MemoryStore } })[answersAtOnce];
  return immediate !== undefined && immediate.of === store ? immediate : undefined;
}
