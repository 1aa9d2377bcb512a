// A local stand-in for the part of the Stripe API that catch-up and the endpoint check read:
// GET /v1/events and GET /v1/webhook_endpoints with Stripe's list semantics (newest first,
// limit, starting_after, ending_before, created[gte|gt|lte|lt], type, types[], delivery_success,
// has_more), Stripe's error bodies and Bearer keys. stripe-node reaches it through its host, port
// and protocol options, exactly as a user points it at a proxy.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { ThinEventPayload } from '../../../src/event-types.js';

/** What a key may read: a restricted key's read permissions. */
export type Permission = 'events' | 'webhook_endpoints';

export interface StandInOptions {
  /** Accepted keys and what each may read. Default: one key that reads both. */
  keys?: Record<string, readonly Permission[]>;
}

export interface StripeApiStandIn {
  /** e.g. http://127.0.0.1:43123 (for --api-base and STRIPE_API_BASE). */
  url: string;
  port: number;
  /** The default key (it reads events and webhook endpoints). */
  apiKey: string;
  /** Adds events; `delivered: false` makes them answer `delivery_success=false`. */
  addEvents(events: readonly Stripe.Event[], options?: { delivered?: boolean }): void;
  setEndpoints(endpoints: readonly Stripe.WebhookEndpoint[]): void;
  /** Adds thin events, listed by GET /v2/core/events (v2 list semantics: `page` tokens, `next_page_url`). */
  addThinEvents(events: readonly ThinEventPayload[]): void;
  /** The query of every /v2/core/events request, in order. */
  thinEventRequests: URLSearchParams[];
  /** From the first /v1/events request `when` picks, answer 500 to every one until `heal()`. */
  failEventsWhen(when: (query: URLSearchParams) => boolean): void;
  heal(): void;
  /** The query of every /v1/events request, in order. */
  eventRequests: URLSearchParams[];
  /** A stripe-node client pointed at the stand-in (no retries, so a failure shows at once). */
  client(options?: { apiKey?: string; apiVersion?: string }): Stripe;
  close(): Promise<void>;
}

// Another version than stripe-node's own is what a drift test needs, so the literal type is widened.
type StripeConfig = NonNullable<ConstructorParameters<typeof Stripe>[1]>;

interface StoredEvent {
  event: Stripe.Event;
  sequence: number;
  delivered: boolean;
}

export const standInKey = 'rk_test_standin_read_only';

export async function startStripeApiStandIn(options: StandInOptions = {}): Promise<StripeApiStandIn> {
  const keys = options.keys ?? { [standInKey]: ['events', 'webhook_endpoints'] };
  // Newest first, as Stripe lists them: by created, then by the order they were added.
  const events: StoredEvent[] = [];
  let endpoints: Stripe.WebhookEndpoint[] = [];
  let sequence = 0;
  let failWhen: ((query: URLSearchParams) => boolean) | undefined;
  let failing = false;

  const thinEvents: Array<{ event: ThinEventPayload; sequence: number }> = [];
  const standIn: StripeApiStandIn = {
    url: '',
    port: 0,
    apiKey: standInKey,
    eventRequests: [],
    thinEventRequests: [],
    addThinEvents(added) {
      thinEvents.push(...added.map((event) => ({ event, sequence: sequence++ })));
      thinEvents.sort((a, b) => Date.parse(b.event.created) - Date.parse(a.event.created) || b.sequence - a.sequence);
    },
    addEvents(added, { delivered = false } = {}) {
      events.push(...added.map((event) => ({ event, sequence: sequence++, delivered })));
      events.sort((a, b) => b.event.created - a.event.created || b.sequence - a.sequence);
    },
    setEndpoints(list) {
      endpoints = [...list];
    },
    failEventsWhen(when) {
      failWhen = when;
    },
    heal() {
      failWhen = undefined;
      failing = false;
    },
    client({ apiKey = standInKey, apiVersion } = {}) {
      return new Stripe(apiKey, { host: '127.0.0.1', port: standIn.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false, ...(apiVersion ? ({ apiVersion } as StripeConfig) : {}) });
    },
    close: async () => {},
  };

  function route(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const key = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const permissions = key === undefined ? undefined : keys[key];
    if (permissions === undefined) {
      return fail(response, 401, 'invalid_request_error', `Invalid API Key provided: ${(key ?? '').slice(0, 8)}***`);
    }
    if (url.pathname === '/v2/core/events' && request.method === 'GET') {
      // https://docs.stripe.com/api-v2-overview: the v2 namespace takes secret keys only.
      if (key?.startsWith('rk_')) return fail(response, 403, 'invalid_request_error', 'Restricted keys cannot access API v2 endpoints; use a secret key.');
      standIn.thinEventRequests.push(url.searchParams);
      return v2Page(response, url, thinEvents.map((stored) => stored.event));
    }
    const resource = url.pathname === '/v1/events' ? 'events' : url.pathname === '/v1/webhook_endpoints' ? 'webhook_endpoints' : undefined;
    if (resource === undefined || request.method !== 'GET') return fail(response, 404, 'invalid_request_error', `Unrecognized request URL (${request.method}: ${url.pathname}).`);
    if (!permissions.includes(resource)) {
      return fail(response, 403, 'invalid_request_error', `The provided key does not have the required permissions for this endpoint. Having the '${resource} read' permission would allow this request to continue.`);
    }
    if (resource === 'webhook_endpoints') return listPage(response, url, endpoints, '/v1/webhook_endpoints');

    standIn.eventRequests.push(url.searchParams);
    failing ||= failWhen?.(url.searchParams) === true;
    // stripe-should-retry: false spares a test stripe-node's retry backoff (the CLI retries twice).
    if (failing) return fail(response, 500, 'api_error', 'An unknown error occurred (stand-in outage).', undefined, { 'stripe-should-retry': 'false' });
    const query = url.searchParams;
    const types = [...query.entries()].filter(([name]) => /^types\[\d*\]$/.test(name)).map(([, value]) => value);
    if (types.length > 20) return fail(response, 400, 'invalid_request_error', 'Invalid array: types must have at most 20 elements.');
    if (types.length > 0 && query.has('type')) return fail(response, 400, 'invalid_request_error', 'You may pass either type or types, but not both.');
    const typePattern = query.get('type');
    const delivery = query.get('delivery_success');
    const matches = (stored: StoredEvent) =>
      inCreatedRange(stored.event.created, query) &&
      (types.length === 0 || types.includes(stored.event.type)) &&
      (typePattern === null || wildcard(typePattern).test(stored.event.type)) &&
      (delivery === null || stored.delivered === (delivery === 'true'));
    return listPage(response, url, events, '/v1/events', (stored) => stored.event, matches);
  }

  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => route(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.port = (server.address() as AddressInfo).port;
  standIn.url = `http://127.0.0.1:${standIn.port}`;
  standIn.close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return standIn;
}

/**
 * One page of a list kept newest first. A cursor is a position: `starting_after` pages towards
 * older items, `ending_before` towards newer ones (the page nearest the cursor, still listed
 * newest first), whether or not the cursor itself matches the filters.
 */
function listPage<S, T extends { id: string }>(
  response: ServerResponse,
  url: URL,
  items: readonly S[],
  path: string,
  toObject: (item: S) => T = (item) => item as unknown as T,
  matches: (item: S) => boolean = () => true,
) {
  const query = url.searchParams;
  const limit = query.has('limit') ? Number(query.get('limit')) : 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return fail(response, 400, 'invalid_request_error', 'Invalid integer: limit must be between 1 and 100.');
  const after = query.get('starting_after');
  const before = query.get('ending_before');
  if (after !== null && before !== null) return fail(response, 400, 'invalid_request_error', 'You may only specify one of these parameters: ending_before, starting_after.');
  const cursor = after ?? before;
  const position = cursor === null ? -1 : items.findIndex((item) => toObject(item).id === cursor);
  if (cursor !== null && position === -1) return fail(response, 400, 'invalid_request_error', `No such object: '${cursor}'`, 'resource_missing');

  let data: T[];
  let hasMore: boolean;
  if (before !== null) {
    const newer = items.slice(0, position).filter(matches);
    data = newer.slice(Math.max(0, newer.length - limit)).map(toObject);
    hasMore = newer.length > limit;
  } else {
    const older = items.slice(position + 1).filter(matches);
    data = older.slice(0, limit).map(toObject);
    hasMore = older.length > limit;
  }
  return send(response, 200, { object: 'list', data, has_more: hasMore, url: path });
}

/**
 * One page of GET /v2/core/events, newest first. The first request carries the filters (`limit`,
 * `types`, `object_id`, `created[gte|gt|lte|lt]` as ISO 8601 or seconds); `next_page_url` carries
 * an opaque `page` token holding them and the position, which wins over any other parameter.
 */
function v2Page(response: ServerResponse, url: URL, events: readonly ThinEventPayload[]) {
  const token = url.searchParams.get('page');
  const query = token === null ? url.searchParams : new URLSearchParams(Buffer.from(token, 'base64url').toString('utf8'));
  const offset = Number(query.get('offset') ?? 0);
  const limit = query.has('limit') ? Number(query.get('limit')) : 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return fail(response, 400, 'invalid_request_error', 'limit must be between 1 and 100.');
  const types = [...query.entries()].filter(([name]) => /^types(\[\d*\])?$/.test(name)).map(([, value]) => value);
  if (types.length > 20) return fail(response, 400, 'invalid_request_error', 'types must have at most 20 elements.');
  const objectId = query.get('object_id');
  const seconds = (value: string) => (/^\d+$/.test(value) ? Number(value) : Math.floor(Date.parse(value) / 1000));
  const bounds = new URLSearchParams([...query.entries()].filter(([name]) => name.startsWith('created')).map(([name, value]) => [name, String(seconds(value))]));
  const matching = events.filter(
    (event) => (types.length === 0 || types.includes(event.type)) && (objectId === null || event.related_object?.id === objectId) && inCreatedRange(Math.floor(Date.parse(event.created) / 1000), bounds),
  );
  const data = matching.slice(offset, offset + limit);
  let next: string | null = null;
  if (offset + limit < matching.length) {
    const state = new URLSearchParams([...query.entries()].filter(([name]) => name !== 'offset' && name !== 'page'));
    state.set('offset', String(offset + limit));
    next = `/v2/core/events?page=${Buffer.from(state.toString()).toString('base64url')}`;
  }
  return send(response, 200, { data, next_page_url: next, previous_page_url: null });
}

function inCreatedRange(created: number, query: URLSearchParams): boolean {
  const bound = (name: string) => (query.has(`created[${name}]`) ? Number(query.get(`created[${name}]`)) : undefined);
  const [gte, gt, lte, lt, exact] = [bound('gte'), bound('gt'), bound('lte'), bound('lt'), query.has('created') ? Number(query.get('created')) : undefined];
  return (
    (gte === undefined || created >= gte) &&
    (gt === undefined || created > gt) &&
    (lte === undefined || created <= lte) &&
    (lt === undefined || created < lt) &&
    (exact === undefined || created === exact)
  );
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function fail(response: ServerResponse, status: number, type: string, message: string, code?: string, headers?: Record<string, string>) {
  send(response, status, { error: { type, message, ...(code ? { code } : {}) } }, headers);
}

function send(response: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) {
  response.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_standin_${Date.now()}`, ...headers }).end(JSON.stringify(body));
}
