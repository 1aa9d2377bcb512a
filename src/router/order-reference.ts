import type Stripe from 'stripe';
import { NonRetryableError } from './non-retryable-error.js';

/**
 * Finds your order id on a Checkout Session: `session.metadata[key]`, else
 * `session.client_reference_id`. Throws {@link NonRetryableError} when neither is set: retrying
 * the delivery would not make the reference appear.
 */
export function orderReference(session: Pick<Stripe.Checkout.Session, 'id' | 'metadata' | 'client_reference_id'>, key = 'orderId'): string {
  const found = findOrderReference(session, key);
  if (found !== undefined) return found;
  throw new NonRetryableError(
    `Checkout Session ${session.id} has neither metadata.${key} nor client_reference_id. ` +
      `Set \`metadata: { ${key}: <your order id> }\` (or \`client_reference_id\`) when creating the session.`,
  );
}

/**
 * The same rule without the throw, for any event object (the inbox indexes it): `metadata[key]`,
 * else `client_reference_id`, when either is a non-empty string.
 */
export function findOrderReference(object: unknown, key = 'orderId'): string | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const { metadata, client_reference_id: clientReference } = object as { metadata?: unknown; client_reference_id?: unknown };
  const fromMetadata = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>)[key] : undefined;
  if (typeof fromMetadata === 'string' && fromMetadata !== '') return fromMetadata;
  return typeof clientReference === 'string' && clientReference !== '' ? clientReference : undefined;
}
