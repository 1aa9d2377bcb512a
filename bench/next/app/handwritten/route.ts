// Stripe's docs' App Router handler: the raw text, then constructEventAsync with Web Crypto.
import Stripe from 'stripe';
import { fulfill, secret } from '../../lib/bench';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Only this route loads stripe-node's client, as only an app that verifies with it would.
const stripe = new Stripe('sk_test_bench');
const cryptoProvider = Stripe.createSubtleCryptoProvider();

export async function POST(request: Request): Promise<Response> {
  const body = await request.text();
  let event: Stripe.Event;
  try {
    event = await stripe.webhooks.constructEventAsync(body, request.headers.get('stripe-signature') ?? '', secret, undefined, cryptoProvider);
  } catch (error) {
    return new Response(`Webhook Error: ${(error as Error).message}`, { status: 400 });
  }
  // The docs' switch, with its one case.
  if (event.type === 'checkout.session.completed') fulfill(event.data.object);
  return Response.json({ received: true });
}
