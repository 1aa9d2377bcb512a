import type Stripe from 'stripe';
import { optionMessage } from '../options.js';
import { CatchUpError } from './catch-up-error.js';
import { clientApiVersion, describeStripeError, type StripeReadClient } from './stripe-client.js';
import { snapshotTypesOf } from './snapshot-types.js';

/** The client to read the endpoints with, and the event types the app handles (a router's, or a list). */
export interface CheckEndpointsOptions {
  /** The app's stripe-node client; a restricted key with Webhook Endpoints: read is enough. */
  stripe: StripeReadClient;
  /** Its `eventTypes` are the types the endpoints must send. Give this or `types`. */
  router?: { readonly eventTypes: ReadonlySet<string> };
  /** The types the endpoints must send (`[]` checks only status and API version). */
  types?: readonly string[];
  /** Check only the endpoints with this URL (the app's own), not every endpoint of the account. */
  url?: string;
  /** The API version the app's handlers expect. Default: the version the client sends. */
  apiVersion?: string;
}

/** Why an endpoint drifts from the app: switch on it. */
export type EndpointDriftCode = 'no_endpoints' | 'endpoint_disabled' | 'missing_types' | 'api_version_mismatch';

/** One thing to change, said as what is wrong and what to do. */
export interface EndpointDrift {
  code: EndpointDriftCode;
  /** The endpoint concerned (`we_...`); absent for `no_endpoints`. */
  endpointId?: string;
  message: string;
  /** For `missing_types`: the handled types the endpoint does not send. */
  missingTypes?: string[];
}

/** One webhook endpoint as `checkEndpoints` saw it. */
export interface EndpointReport {
  id: string;
  url: string;
  status: string;
  /** `null`: the endpoint follows the account's default API version. */
  apiVersion: string | null;
  enabledEvents: string[];
  drift: EndpointDrift[];
}

/** `ok` when no endpoint drifts; otherwise `drift` says what to change, endpoint by endpoint. */
export interface EndpointCheckResult {
  /** No drift at all. */
  ok: boolean;
  types: string[];
  apiVersion: string | undefined;
  endpoints: EndpointReport[];
  drift: EndpointDrift[];
}

const permission = 'Webhook Endpoints: read';

/**
 * Compares the event types the app handles with what each webhook endpoint sends: events it does
 * not enable (`'*'` enables all) never reach their handlers, a disabled endpoint sends nothing, and
 * an endpoint on another API version sends payloads in that version's shape.
 */
export async function checkEndpoints(options: CheckEndpointsOptions): Promise<EndpointCheckResult> {
  const { stripe } = options;
  if (typeof stripe?.webhookEndpoints?.list !== 'function') {
    throw new CatchUpError('invalid_options', optionMessage('checkEndpoints', 'stripe', 'a stripe-node client: new Stripe(key)', stripe));
  }
  const types = [...(options.types ?? (options.router ? snapshotTypesOf(options.router) : []))].sort();
  if (options.types === undefined && options.router === undefined) {
    throw new CatchUpError('invalid_options', optionMessage('checkEndpoints', 'types', 'a list of event types, or `router` given instead (its handled types are checked)', undefined));
  }
  const apiVersion = options.apiVersion ?? clientApiVersion(stripe);
  const wantedUrl = options.url === undefined ? undefined : normalizeUrl(options.url);
  const all = await listEndpoints(stripe);
  const endpoints = wantedUrl === undefined ? all : all.filter((endpoint) => normalizeUrl(endpoint.url) === wantedUrl);

  const reports = endpoints.map((endpoint) => reportEndpoint(endpoint, types, apiVersion));
  const drift = reports.flatMap((report) => report.drift);
  if (endpoints.length === 0) {
    const where = wantedUrl === undefined ? 'The account has no webhook endpoint' : `No webhook endpoint has the URL ${options.url}`;
    drift.push({ code: 'no_endpoints', message: `${where}: create one (Dashboard > Developers > Webhooks) that sends ${describeTypes(types)}.` });
  }
  return { ok: drift.length === 0, types, apiVersion, endpoints: reports, drift };
}

function reportEndpoint(endpoint: Stripe.WebhookEndpoint, types: readonly string[], apiVersion: string | undefined): EndpointReport {
  const drift: EndpointDrift[] = [];
  const name = `${endpoint.id} (${endpoint.url})`;
  if (endpoint.status !== 'enabled') {
    drift.push({
      code: 'endpoint_disabled',
      endpointId: endpoint.id,
      message: `${name} is ${endpoint.status}: Stripe sends it nothing. Enable it in the Dashboard, or update it with disabled=false.`,
    });
  }
  const missingTypes = types.filter((type) => !sends(endpoint.enabled_events, type));
  if (missingTypes.length > 0) {
    drift.push({
      code: 'missing_types',
      endpointId: endpoint.id,
      missingTypes,
      message: `${name} does not send ${missingTypes.join(', ')}: add ${missingTypes.length === 1 ? 'it' : 'them'} to its enabled_events, or its handlers never run.`,
    });
  }
  if (apiVersion !== undefined && endpoint.api_version !== null && endpoint.api_version !== apiVersion) {
    drift.push({
      code: 'api_version_mismatch',
      endpointId: endpoint.id,
      message:
        `${name} sends API version ${endpoint.api_version} but the app uses ${apiVersion}: payloads arrive in ${endpoint.api_version}'s shape. ` +
        `An endpoint's version cannot be changed: create an endpoint with api_version ${apiVersion}, move the app to its secret, then delete this one.`,
    });
  }
  return { id: endpoint.id, url: endpoint.url, status: endpoint.status, apiVersion: endpoint.api_version, enabledEvents: endpoint.enabled_events, drift };
}

/** `'*'` enables every type; the Dashboard also offers a group as `'prefix.*'`. */
function sends(enabledEvents: readonly string[], type: string): boolean {
  return enabledEvents.some((enabled) => enabled === '*' || enabled === type || (enabled.endsWith('.*') && type.startsWith(enabled.slice(0, -1))));
}

async function listEndpoints(stripe: StripeReadClient): Promise<Stripe.WebhookEndpoint[]> {
  const endpoints: Stripe.WebhookEndpoint[] = [];
  const list = (stripe.webhookEndpoints as NonNullable<StripeReadClient['webhookEndpoints']>).list.bind(stripe.webhookEndpoints);
  try {
    for (let cursor: string | undefined; ; ) {
      const page = await list({ limit: 100, ...(cursor ? { starting_after: cursor } : {}) });
      endpoints.push(...page.data);
      const last = page.data.at(-1);
      if (!page.has_more || last === undefined) return endpoints;
      cursor = last.id;
    }
  } catch (error) {
    throw new CatchUpError('stripe_api_error', `checkEndpoints: ${describeStripeError(error, permission)}.`, undefined, { cause: error });
  }
}

function describeTypes(types: readonly string[]): string {
  return types.length === 0 ? 'the events the app handles' : types.join(', ');
}

function normalizeUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
