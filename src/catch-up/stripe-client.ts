import type Stripe from 'stripe';
import type { ThinEventNotification } from '../event-types.js';

/** One page of a Stripe list, as stripe-node resolves it. */
export interface StripeListPage<T> {
  data: T[];
  has_more: boolean;
}

/** A thin event as `GET /v2/core/events` lists it (stripe-node's `Stripe.V2.Core.Event`). */
export interface ListedThinEvent {
  id: string;
  object: string;
  type: string;
  /** ISO 8601. */
  created: string;
}

/**
 * The part of a stripe-node client (`new Stripe(key, options)`) that catch-up and the endpoint
 * check use: reads only, so a restricted key with Events: read and Webhook Endpoints: read is
 * enough. Typed by shape, so any stripe-node version from 17 on fits.
 */
export interface StripeReadClient {
  /** The Events API. */
  events: {
    /** `GET /v1/events`: a page of events, newest first. */
    list(params: Stripe.EventListParams): PromiseLike<StripeListPage<Stripe.Event>>;
  };
  /** The Webhook Endpoints API (for `checkEndpoints`). */
  webhookEndpoints?: {
    /** `GET /v1/webhook_endpoints`: a page of the account's endpoints. */
    list(params: Stripe.WebhookEndpointListParams): PromiseLike<StripeListPage<Stripe.WebhookEndpoint>>;
  };
  /** The v2 Events API (stripe-node 23+), read for thin events. */
  v2?: {
    /** The v2 core resources. */
    core?: {
      /** `GET /v2/core/events`: thin events, newest first, paged by `next_page_url` (the iterator follows it). */
      events?: {
        /** Lists thin events; the iterator it returns fetches the next page when it needs one. */
        list(params: { limit?: number; types?: string[] }): AsyncIterable<ListedThinEvent>;
      };
    };
  };
  /**
   * Turns a thin event into a notification whose `fetchRelatedObject()` uses this client
   * (stripe-node 23+): catch-up runs thin events through a handler with it.
   */
  parseEventNotificationWithoutVerification?(payload: string): ThinEventNotification;
  /** stripe-node's accessor for its configuration; `'version'` is the API version it sends. */
  getApiField?(key: 'version'): unknown;
}

/** The API version the client sends with each request (what its events are rendered in). */
export function clientApiVersion(stripe: Pick<StripeReadClient, 'getApiField'>): string | undefined {
  const version = typeof stripe.getApiField === 'function' ? stripe.getApiField('version') : undefined;
  return typeof version === 'string' && version !== '' ? version : undefined;
}

/**
 * A Stripe API failure in one sentence, with the fix for the failures a read-only key meets:
 * a wrong or revoked key, a restricted key without the permission, rate limiting.
 */
export function describeStripeError(error: unknown, permission: string): string {
  const { type, statusCode, message, code } = (error ?? {}) as { type?: string; statusCode?: number; message?: string; code?: string };
  const text = (message ?? String(error)).replace(/\.$/, '');
  if (type === 'StripeAuthenticationError' || statusCode === 401) {
    return `Stripe rejected the API key (${text}): use a secret key or a restricted key (rk_...) with ${permission}`;
  }
  if (type === 'StripePermissionError' || statusCode === 403) {
    return `the API key may not read this (${text}): give the restricted key ${permission}`;
  }
  if (type === 'StripeRateLimitError' || statusCode === 429) return `Stripe is rate limiting the requests (${text}): wait a minute and run it again`;
  if (type === 'StripeConnectionError') return `cannot reach the Stripe API (${text}): check the network, or the host the client is pointed at`;
  return `the Stripe API answered an error${statusCode ? ` ${statusCode}` : ''}${code ? ` (${code})` : ''}: ${text}`;
}
