import type Stripe from 'stripe';
import { NonRetryableError } from './non-retryable-error.js';

/**
 * Finds your order id on a Checkout Session: `session.metadata[key]`, else
 * `session.client_reference_id`. Throws {@link NonRetryableError} when neither is set: retrying
 * the delivery would not make the reference appear.
 */
export function orderReference(session: Pick<Stripe.Checkout.Session, 'id' | 'metadata' | 'client_reference_id'>, key = 'orderId'): string {
  const fromMetadata = session.metadata?.[key];
  if (fromMetadata) return fromMetadata;
  if (session.client_reference_id) return session.client_reference_id;
  throw new NonRetryableError(
    `Checkout Session ${session.id} has neither metadata.${key} nor client_reference_id. ` +
      `Set \`metadata: { ${key}: <your order id> }\` (or \`client_reference_id\`) when creating the session.`,
  );
}
