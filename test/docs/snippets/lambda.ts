import { Pool } from 'pg';
import Stripe from 'stripe';
import { createWebhookRouter, handleTrustedDelivery, orderReference } from 'stripe-webhook-kit';
import { postgresStore } from 'stripe-webhook-kit/postgres';

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);
// The same table as your webhook endpoint's store: an occurrence runs once across both.
const store = postgresStore(new Pool({ connectionString: process.env.DATABASE_URL }));
const router = createWebhookRouter().onCheckoutPaid(async (session) => {
  console.log(`fulfilling order ${orderReference(session)}`);
});

// An AWS Lambda function, target of the EventBridge rule on your Stripe partner event bus.
export async function handler(envelope: unknown): Promise<void> {
  const result = await handleTrustedDelivery(envelope, { router, store, stripe });
  // Throwing makes EventBridge retry (per the rule's retry policy, then its dead-letter queue).
  if (result.retry) throw new Error(`Stripe event ${result.eventId} (${result.type}): ${result.outcome}`);
}
