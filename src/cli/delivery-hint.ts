import type { DeliveryResult } from './deliver.js';

/**
 * One line that says what a non-2xx answer most likely means, read from the status and the
 * contract's `{"error": code}` body; `undefined` for a 2xx or an answer the CLI cannot place.
 */
export function deliveryHint(result: Pick<DeliveryResult, 'status' | 'response' | 'url'>): string | undefined {
  if (result.status >= 200 && result.status < 300) return undefined;
  const code = errorCode(result.response);
  if (result.status === 404) return `nothing answers at ${pathOf(result.url)}: check the path in --forward-to against the route the server mounts (the examples use /v1/webhook)`;
  switch (code) {
    case 'no_matching_signature':
      return "the server's signing secret differs from the one this command signed with: use the same whsec_ on both sides (--secret or STRIPE_WEBHOOK_SECRET here)";
    case 'timestamp_out_of_tolerance':
      return "the server's clock and this machine's differ by more than its tolerance: sync the clocks (or raise `tolerance` on the server)";
    case 'missing_secret':
      return 'the server has no webhook secret configured: set its STRIPE_WEBHOOK_SECRET (the whsec_ this command signs with) and restart it';
    case 'body_not_raw':
      return "a body parser consumed the request before the webhook route: the server's log names the fix for its framework";
    case 'handler_failed':
      return "a handler threw: the server's log has the error with its stack";
    case 'handler_timeout':
      return 'the handlers took longer than handlerTimeoutMs: move slow work to a queue, or raise the limit';
    case 'store_unavailable':
    case 'store_timeout':
      return "the server's idempotency store (PostgreSQL, Redis) failed: its log says why";
    case 'in_progress':
      return 'another delivery of this event is being handled right now: Stripe would retry later';
    case 'method_not_allowed':
      return 'the route answers only POST';
    default:
      return undefined;
  }
}

function errorCode(response: string): string | undefined {
  try {
    const parsed = JSON.parse(response) as { error?: unknown } | null;
    return typeof parsed?.error === 'string' ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
