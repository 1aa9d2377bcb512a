import { verifyAndParseAsync, WebhookVerificationError } from 'stripe-webhook-kit';

// During a rotation, both the new and the old signing secret are valid: list both, newest first.
const secrets = [process.env.STRIPE_WEBHOOK_SECRET, process.env.STRIPE_WEBHOOK_SECRET_PREVIOUS].filter((value): value is string => Boolean(value));

// A Web-standard endpoint (Next.js App Router, Hono, Bun, Deno, Workers): Web Crypto only.
export async function POST(request: Request): Promise<Response> {
  const body = await request.arrayBuffer(); // the exact bytes: never request.json()
  try {
    const event = await verifyAndParseAsync(body, request.headers.get('stripe-signature'), secrets);
    console.log('verified', event.id, event.type);
    return Response.json({ received: true });
  } catch (error) {
    if (!WebhookVerificationError.is(error)) throw error;
    // `status` is the answer the code calls for: 400 for a bad delivery, 500 for a misconfiguration.
    console.warn(error.code, error.message);
    return Response.json({ error: error.code }, { status: error.status });
  }
}
