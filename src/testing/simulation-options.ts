import type Stripe from 'stripe';
import { hasErrorBrand, setErrorBrand } from '../error-brand.js';
import type { SimulatedDelivery } from './simulated-delivery.js';
import { defaults, optionMessage } from '../options.js';
import { defaultSpeedup, stripeMaxAttempts } from './stripe-retry-schedule.js';

/** How failed deliveries are retried: Stripe's live-mode schedule, compressed in time. */
export interface RetryOptions {
  /** Deliveries per event copy, the first included. Default 13: Stripe's three days. */
  maxAttempts?: number;
  /** How much faster than Stripe the schedule runs. Default 60000: a minute takes a millisecond. */
  speedup?: number;
}

/** Where to deliver, what, and how Stripe-like the schedule is; the same `seed` gives the same schedule. */
export interface SimulateDeliveriesOptions {
  /** Your webhook endpoint, e.g. `http://127.0.0.1:3000/v1/webhook`. */
  url: string | URL;
  /** The endpoint's signing secret (`whsec_...`), as your app verifies with. */
  secret: string;
  /** The events, in `created` order (they are sorted by `created`, stably), e.g. from `checkoutScenario`. */
  events: readonly Stripe.Event[];
  /** Picks the schedule: the same seed gives the same sends, byte for byte. Default: a random seed, returned as `run.seed`. */
  seed?: number;
  /** Share of events (0 to 1) delivered more than once; some copies overlap the original. Default 0. */
  duplicates?: number;
  /** Deliver the events in a seeded random order instead of `created` order. Default false. */
  reorder?: boolean;
  /** At most this many requests in flight. Default 1. */
  concurrency?: number;
  /** Retry non-2xx answers and failed requests on Stripe's schedule, compressed (default), or not at all. */
  retry?: 'compressed' | 'none' | RetryOptions;
  /** Unix seconds the signatures start from; the schedule's (compressed) time is added. Default: the newest event's `created`. */
  signedAt?: number;
  /** Start no request after this many milliseconds; events not acknowledged by then count as never acknowledged. */
  timeLimitMs?: number;
  /** A request without an answer after this many milliseconds has failed (and is retried). Default 10000. */
  timeoutMs?: number;
  /** Called after each delivery, as it is answered. */
  onDelivery?: (delivery: SimulatedDelivery) => void;
}

/** Why `simulateDeliveries` refused its options: switch on `SimulationError.code`. */
export type SimulationErrorCode = 'invalid_option' | 'stale_events';

/** A `simulateDeliveries` call that cannot run as asked; the message says what to change. */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';

  constructor(
    readonly code: SimulationErrorCode,
    message: string,
  ) {
    super(message);
    setErrorBrand(this, 'SimulationError');
  }

  /** `true` for a `SimulationError` from any copy of this package (ESM or CJS), where `instanceof` fails. */
  static is(value: unknown): value is SimulationError {
    return hasErrorBrand(value, 'SimulationError');
  }
}

export interface ResolvedSimulation {
  url: URL;
  secret: string;
  events: Stripe.Event[];
  seed: number;
  duplicates: number;
  reorder: boolean;
  concurrency: number;
  maxAttempts: number;
  speedup: number;
  signedAt: number;
  timeLimitMs: number;
  timeoutMs: number;
}

// The verification tolerance Stripe's libraries use by default.
const toleranceSeconds = 300;

/** Checks every option once, before anything is sent, and fills in the defaults. */
export function resolveSimulationOptions(options: SimulateDeliveriesOptions): ResolvedSimulation {
  const url = parseUrl(options.url);
  if (typeof options.secret !== 'string' || options.secret === '') invalid('secret', 'the endpoint signing secret your app verifies with (whsec_...)', options.secret);
  const events = sortedEvents(options.events);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!Number.isSafeInteger(seed)) invalid('seed', 'a whole number', seed);
  const duplicates = options.duplicates ?? 0;
  if (typeof duplicates !== 'number' || !(duplicates >= 0 && duplicates <= 1)) invalid('duplicates', 'a share between 0 and 1, such as 0.3', duplicates);
  const concurrency = wholeNumber('concurrency', options.concurrency, 1);
  const retry = options.retry ?? 'compressed';
  if (retry !== 'compressed' && retry !== 'none' && (typeof retry !== 'object' || retry === null)) invalid('retry', "'compressed', 'none' or { maxAttempts, speedup }", retry);
  const retryOptions = typeof retry === 'object' ? retry : {};
  const maxAttempts = retry === 'none' ? 1 : wholeNumber('retry.maxAttempts', retryOptions.maxAttempts, stripeMaxAttempts);
  const speedup = retryOptions.speedup ?? defaultSpeedup;
  if (typeof speedup !== 'number' || !(speedup >= 1) || !Number.isFinite(speedup)) invalid('retry.speedup', 'a number of at least 1', speedup);
  const timeLimitMs = options.timeLimitMs ?? Number.POSITIVE_INFINITY;
  if (typeof timeLimitMs !== 'number' || !(timeLimitMs > 0)) invalid('timeLimitMs', 'a positive number of milliseconds', timeLimitMs);
  const timeoutMs = wholeNumber('timeoutMs', options.timeoutMs, defaults.simulatedRequestTimeoutMs);
  return {
    url,
    secret: options.secret,
    events,
    seed,
    duplicates,
    reorder: options.reorder === true,
    concurrency,
    maxAttempts,
    speedup,
    signedAt: resolveSignedAt(options.signedAt, events),
    timeLimitMs,
    timeoutMs,
  };
}

function invalid(option: string, requirement: string, ...given: [unknown?]): never {
  throw new SimulationError('invalid_option', optionMessage('simulateDeliveries', option, requirement, ...given));
}

function parseUrl(value: string | URL): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) invalid('url', 'an http:// or https:// URL such as http://127.0.0.1:3000/v1/webhook', value);
  return url;
}

function sortedEvents(events: readonly Stripe.Event[]): Stripe.Event[] {
  if (!Array.isArray(events) || events.length === 0) invalid('events', "a non-empty array of Stripe events, such as checkoutScenario('card', { orderId })", events);
  for (const [index, event] of events.entries()) {
    const { id, type, created } = (event ?? {}) as Partial<Stripe.Event>;
    if (typeof id !== 'string' || typeof type !== 'string' || typeof created !== 'number') {
      invalid(`events[${index}]`, 'a Stripe event, with a string id and type and a numeric created (build events with createTestEvent)', event);
    }
  }
  // Array.prototype.sort is stable: events created in the same second keep the order given.
  // (Array.isArray narrows a readonly array to any[]: name the type again.)
  return [...(events as readonly Stripe.Event[])].sort((a, b) => a.created - b.created);
}

function wholeNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) invalid(name, 'a whole number of at least 1', value);
  return value;
}

function resolveSignedAt(signedAt: number | undefined, events: readonly Stripe.Event[]): number {
  if (signedAt !== undefined) {
    if (!Number.isSafeInteger(signedAt) || signedAt < 0) invalid('signedAt', `Unix seconds, such as ${Math.floor(Date.now() / 1000)}`, signedAt);
    return signedAt;
  }
  const newest = Math.max(...events.map((event) => event.created));
  // Signed as of an old `created`, every delivery would be refused as a replay: say so now,
  // rather than let the run report a wall of 400s.
  const age = Math.floor(Date.now() / 1000) - newest;
  if (age > toleranceSeconds) {
    throw new SimulationError(
      'stale_events',
      `simulateDeliveries: the newest event was created ${age} s ago, and signatures are made as of its created time by default, ` +
        'which your endpoint would refuse as too old. Pass signedAt: Math.floor(Date.now() / 1000) (the signatures then change from run to run), ' +
        'or build the events now (checkoutScenario, createTestEvent).',
    );
  }
  return newest;
}
