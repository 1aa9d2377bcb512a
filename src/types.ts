import type Stripe from 'stripe';

/** Every event type Stripe can send to a webhook endpoint (snapshot events). */
export type StripeEventType = Stripe.Event['type'];

/** The event of one type, narrowed from Stripe's discriminated union. */
export type StripeEventOf<T extends StripeEventType> = Extract<Stripe.Event, { type: T }>;

/**
 * Where the kit writes what it decided and why. `console` fits, and so do pino, winston and
 * Nest's `Logger` (each method takes a message and optional structured details).
 */
export interface WebhookLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** What a handler gets beside the event. */
export interface WebhookContext {
  /** `event.id`: the key used for deduplication. */
  eventId: string;
  type: StripeEventType;
  livemode: boolean;
  /** The connected account the event came from (Stripe Connect), else `undefined`. */
  account: string | undefined;
  logger: WebhookLogger;
  /**
   * With `postgresStore(pool, { transactional: true })`: a client inside the transaction that also
   * marks this event done, so the writes made through it and the mark commit together or not at
   * all (see docs/exactly-once.md). `undefined` with any other store. Await every query: once the
   * handlers have settled (or timed out) it refuses further queries.
   */
  db?: TransactionClient;
}

/**
 * A database client inside one delivery's transaction: `query(text, params)` with PostgreSQL's
 * `$1` placeholders, as in `pg` and PGlite. The result is the driver's own (`rows`, and pg's
 * `rowCount` or PGlite's `affectedRows`).
 */
export interface TransactionClient {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

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
  | { get(name: string): string | null };

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
}

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
 * The webhook handler passes a fresh `token` (a random UUID) with every claim and the same token
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
