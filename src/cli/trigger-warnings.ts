import type { StripeEventType } from '../types.js';

// The checkout events the router's helpers read an order reference from.
const checkoutWithOrder: ReadonlySet<string> = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed']);

export interface TriggerWarningInput {
  type: StripeEventType;
  metadata: Record<string, string>;
  clientReferenceId: string | undefined;
  paymentStatus: string | undefined;
  /** What the user wrote for --forward-to, and the URL it means. */
  forwardTo: string;
  url: URL;
}

/**
 * What is worth a warning before anything is sent: a run that would "succeed" while doing
 * nothing useful (a checkout event the handlers discard), or an option that has no effect.
 */
export function triggerWarnings({ type, metadata, clientReferenceId, paymentStatus, forwardTo, url }: TriggerWarningInput): string[] {
  const warnings: string[] = [];
  if (checkoutWithOrder.has(type) && Object.keys(metadata).length === 0 && clientReferenceId === undefined) {
    warnings.push(
      `${type} without --metadata or --client-reference-id: handlers that look up the order (orderReference, the examples) answer ` +
        '200 {"discarded":true} and fulfil nothing; pass e.g. --metadata orderId=ord_123',
    );
  }
  if (paymentStatus !== undefined && type !== 'checkout.session.completed') {
    warnings.push(`--payment-status has no effect on ${type}: the checkout helpers read payment_status on checkout.session.completed only`);
  }
  if (url.pathname === '/' && !/^([a-z][a-z\d+.-]*:\/\/)?[^/]+\/./i.test(forwardTo)) {
    warnings.push(`--forward-to ${forwardTo} has no path, so deliveries go to "/"; webhook routes usually live on a path, e.g. ${url.origin}/v1/webhook`);
  }
  return warnings;
}
