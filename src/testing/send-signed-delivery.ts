/** What the endpoint answered to one signed request. */
export interface DeliveryAnswer {
  /** The HTTP status, or 0 when no answer came (refused, reset, timed out). */
  status: number;
  /** The response body, cut at `maxBodyChars`; empty when no answer came. */
  body: string;
  /** Why no answer came, when `status` is 0. */
  error?: string;
  durationMs: number;
}

// The headers Stripe's webhook deliveries carry, besides the signature.
const stripeHeaders = {
  'content-type': 'application/json; charset=utf-8',
  'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
  accept: '*/*; q=0.5, application/xml',
  'cache-control': 'no-cache',
};

// Enough to see an error page's first lines without holding a large body per delivery.
const maxBodyChars = 2000;

/**
 * POSTs `payload` with its `Stripe-Signature` and the headers Stripe sends: redirects are not
 * followed (a 3xx is a failed delivery) and a request without an answer after `timeoutMs` fails.
 */
export async function sendSignedDelivery(url: URL, payload: string, signature: string, timeoutMs: number): Promise<DeliveryAnswer> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...stripeHeaders, 'stripe-signature': signature },
      body: payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.text()).slice(0, maxBodyChars);
    return { status: response.status, body, durationMs: performance.now() - started };
  } catch (error) {
    return { status: 0, body: '', error: describeFailure(error, timeoutMs), durationMs: performance.now() - started };
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return `${cause.code}: ${cause.message ?? ''}`.trim();
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}
