import type { StripeEventType, ThinEventType } from './event-types.js';

export type { StripeEventOf, StripeEventType } from './event-types.js';

/**
 * Where the kit writes what it decided and why. `console` and winston fit as they are (each method
 * takes a message and optional structured details); pino takes the details first, so wrap it
 * (`error: (message, details) => log.error(details ?? {}, message)`, see
 * docs/troubleshooting.md). Nest's module and Fastify's plugin use their framework's logger.
 */
export interface WebhookLogger {
  /** What was decided (a duplicate, a discarded event). */
  info(message: string, details?: Record<string, unknown>): void;
  /** A delivery refused, or a configuration that needs a fix. */
  warn(message: string, details?: Record<string, unknown>): void;
  /** A handler or a store failed. */
  error(message: string, details?: Record<string, unknown>): void;
}

/** What a handler gets beside the event. */
export interface WebhookContext {
  /**
   * The key used for deduplication: `event.id`, or for a thin notification the snapshot event it
   * stands for (`snapshot_event`), else its own id.
   */
  eventId: string;
  /** `event.type`: a snapshot type, or a thin one (`v1.checkout.session.completed`). */
  type: StripeEventType | ThinEventType;
  livemode: boolean;
  /** The connected account the event came from (Stripe Connect), else `undefined`. */
  account: string | undefined;
  logger: WebhookLogger;
  /**
   * `true` when an inbox with `ordering: 'per-object'` already processed a newer event about the
   * same object (`data.object.id`): the state this event describes is out of date. The checkout
   * helpers skip stale events; `on()` handlers decide for themselves.
   */
  stale?: boolean;
  /**
   * With `postgresStore(pool, { transactional: true })` or `pgBossInbox(boss, { transactional: true })`:
   * a client inside the transaction that also marks this event done, so the writes made through it
   * and the mark commit together or not at all (see docs/exactly-once.md). `undefined` otherwise.
   * Await every query: once the handlers have settled (or timed out) it refuses further queries.
   */
  db?: TransactionClient;
  /**
   * Aborts when this attempt is abandoned: its time is up (`handlerTimeoutMs`), the lease was lost,
   * or a stopping worker's grace period ended. Pass it to `fetch` and database calls so that work
   * nobody waits for any more stops. Never aborts when `router.dispatch` is called without one.
   */
  signal: AbortSignal;
}

/**
 * A database client inside one delivery's transaction: `query(text, params)` with PostgreSQL's
 * `$1` placeholders, as in `pg` and PGlite (`pg`'s `PoolClient` and PGlite's `Transaction` fit).
 */
export interface TransactionClient {
  /** Runs one statement inside the transaction; name the row type, `query<{ n: number }>(...)`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are the caller's to type
  query<Row = any>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

/** Options of `verifyAndParse` and `verifyAndParseAsync`. */
export interface VerifyOptions {
  /** Maximum age of the signature in seconds. Default 300; `0` turns the age check off. */
  tolerance?: number;
  /** The current time in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** The raw bytes of a request body, exactly as they arrived. */
export type RawBody = string | Uint8Array | ArrayBuffer;

/** Header values as Node (`IncomingHttpHeaders`), Express, Fastify or a plain object carry them. */
export type HeaderBag =
  | Record<string, string | readonly string[] | undefined>
  | {
      /** The header's value, as the Fetch API's `Headers.get` returns it. */
      get(name: string): string | null;
    };

/** One HTTP delivery, as an adapter read it from its framework. */
export interface WebhookRequest {
  method: string;
  headers: HeaderBag;
  /**
   * The raw body. Anything else (an object a body parser produced) is answered with 500
   * `body_not_raw`.
   */
  body: unknown;
  /**
   * Set by an adapter that stopped reading because the body is larger than `maxBodyBytes` (by its
   * Content-Length, or by what it read so far): the answer is 413 without looking at `body`.
   */
  bodyTooLarge?: boolean;
  /**
   * Set by an adapter that stopped waiting because the body did not finish arriving within its
   * `bodyTimeoutMs`: the answer is 408 `body_timeout`, and the connection is closed.
   */
  bodyTimedOut?: boolean;
  /**
   * Where this delivery's lines go instead of the handler's logger (Fastify's `request.log`, with
   * its `reqId`). Handlers receive it as `ctx.logger`.
   */
  logger?: WebhookLogger;
  /** The framework the adapter serves, so that an error such as `body_not_raw` names its own fix. */
  framework?: WebhookFramework;
}

/** The frameworks the kit's adapters serve. */
export type WebhookFramework = 'express' | 'fastify' | 'nest' | 'web';

/** What the adapter must write back. `body` is JSON. */
export interface WebhookResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The outcome of a claim on an event id. */
export type ClaimResult = 'claimed' | 'in_progress' | 'done';

/**
 * Remembers which events were processed, so each is handled once even when Stripe delivers it
 * again or to several instances at once.
 *
 * The webhook handler passes a fresh `token` (a UUID, new for each claim) with every claim and the same token
 * to that claim's `complete` and `release`, so that each claim owns its lease. A store written
 * before tokens existed (the three methods with two and one parameters) keeps working: it simply
 * ignores them.
 */
export interface IdempotencyStore {
  /**
   * Atomically claims `eventId` for `leaseMs` milliseconds. Of concurrent claims of one id,
   * exactly one gets `'claimed'`; a claim whose lease ran out may be taken again. A claim that
   * carries the token of the live lease (the same claim sent again after a lost reply) answers
   * `'claimed'`.
   */
  claim(eventId: string, leaseMs: number, token?: string): Promise<ClaimResult>;
  /** Marks the event done: later claims answer `'done'` for the store's retention period. */
  complete(eventId: string, token?: string): Promise<void>;
  /**
   * Gives the claim up so that Stripe's retry runs the handlers again. With a `token`, only the
   * lease taken with that token is given up: never a newer claim that another delivery took
   * after this one's lease ran out.
   */
  release(eventId: string, token?: string): Promise<void>;
  /**
   * Optional: a store that keeps its records in the application's database implements it, and
   * the handlers then run inside it with `ctx.db`. Runs `work` in one transaction that also marks
   * the event done, provided the claim taken with `token` still holds its lease, and commits both
   * or neither. Rejects after rolling back when `work` rejects, when the lease was taken over, or
   * when `signal` aborts (a handler timeout): then nothing commits, without waiting for `work`,
   * and `db` refuses further queries.
   */
  runInTransaction?(eventId: string, token: string, work: (db: TransactionClient) => Promise<void>, signal?: AbortSignal): Promise<void>;
}
