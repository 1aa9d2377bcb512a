import type Stripe from 'stripe';
import type { ThinEventType } from './router/thin-types.js';

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
 */
export interface IdempotencyStore {
  /**
   * Atomically claims `eventId` for `leaseMs` milliseconds. Of concurrent claims of one id,
   * exactly one gets `'claimed'`; a claim whose lease ran out may be taken again.
   */
  claim(eventId: string, leaseMs: number): Promise<ClaimResult>;
  /** Marks the event done: later claims answer `'done'` for the store's retention period. */
  complete(eventId: string): Promise<void>;
  /** Gives the claim up so that Stripe's retry runs the handlers again. */
  release(eventId: string): Promise<void>;
}
