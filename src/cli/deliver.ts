import { createSignedRequest } from '../testing/create-signed-request.js';
import { CliError } from './errors.js';

/** What one POST to the endpoint came back with. */
export interface DeliveryResult {
  eventType: string;
  eventId: string;
  url: string;
  status: number;
  /** The status is 2xx: the only answer Stripe counts as delivered. */
  ok: boolean;
  /** From sending the request to having read the whole response, in milliseconds. */
  latencyMs: number;
  /** The response body, cut at `maxResponseChars`. */
  response: string;
  /** Which delivery of the event this was, when it was not the only one (e.g. "copy 2, attempt 3"). */
  label?: string;
}

export interface DeliveryTarget {
  url: URL;
  secret: string;
  userAgent: string;
}

/** The event fields the CLI needs; the rest is sent as it is. */
export interface EventLike {
  id: string;
  type: string;
}

// A hung server must not hang the command (or a CI job) forever.
const timeoutMs = 30_000;
// Enough to show an error page's first lines without holding a large body.
const maxResponseChars = 2000;

/**
 * Serializes `event` as Stripe does (pretty-printed JSON), signs it with the current time and
 * POSTs it. An HTTP answer of any status is a result; no answer at all (refused, reset, timed out,
 * unknown host) throws a one-line `CliError` that says what to check.
 */
export async function deliver(event: EventLike, target: DeliveryTarget): Promise<DeliveryResult> {
  const request = createSignedRequest(JSON.stringify(event, null, 2), target.secret);
  const started = performance.now();
  let status: number;
  let response: string;
  try {
    const answer = await fetch(target.url, {
      method: 'POST',
      headers: { ...request.headers, 'user-agent': target.userAgent },
      body: request.body,
      // Stripe does not follow redirects: a 3xx is a failed delivery, so show it as one.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = answer.status;
    response = (await answer.text()).slice(0, maxResponseChars);
  } catch (error) {
    throw new CliError(describeNetworkError(error, target.url), 1);
  }
  const latencyMs = performance.now() - started;
  return { eventType: event.type, eventId: event.id, url: target.url.href, status, ok: status >= 200 && status < 300, latencyMs, response };
}

function describeNetworkError(error: unknown, url: URL): string {
  const hostPort = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer from ${url.href} within ${timeoutMs / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${hostPort}: connection refused. Is your server running? Start it, then run this command again`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve host "${url.hostname}" in --forward-to ${url.href}`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `${hostPort} closed the connection without answering ${url.href}`;
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `${hostPort} does not speak TLS: use http:// instead of https://`;
  }
  // fetch refuses ports that browsers block (6000, 6665-6669, ...): say so rather than "bad port".
  if (cause?.message === 'bad port') return `fetch refuses to connect to port ${url.port}, a port browsers block; run your server on another port`;
  const reason = cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `request to ${url.href} failed: ${reason}`;
}
