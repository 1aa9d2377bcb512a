import type { StripeEventOf, StripeEventType } from '../types.js';
import { deepMerge, type DeepPartial } from './deep-merge.js';
import { exampleEventEnvelope, exampleObjects } from '../generated/example-objects.js';
// The installed stripe types' version (the handler's default apiVersion), so payloads look like
// what a current account receives.
import { stripeTypesApiVersion as apiVersion } from '../generated/api-version.js';

// Values that make Stripe's example object look like the object after that event.
const stateByType: Partial<Record<StripeEventType, Record<string, unknown>>> = {
  'checkout.session.completed': { status: 'complete', payment_status: 'paid' },
  'checkout.session.async_payment_succeeded': { status: 'complete', payment_status: 'paid' },
  'checkout.session.async_payment_failed': { status: 'complete', payment_status: 'unpaid' },
  'checkout.session.expired': { status: 'expired', payment_status: 'unpaid' },
  'payment_intent.succeeded': { status: 'succeeded', amount_received: 2000 },
  'payment_intent.payment_failed': { status: 'requires_payment_method', amount_received: 0 },
  'charge.succeeded': { status: 'succeeded', paid: true },
  'charge.refunded': { status: 'succeeded', paid: true, refunded: true, amount_refunded: 2000 },
};

// Checkout Sessions in the fixtures have no amounts; a shop's session does.
const checkoutAmounts = { amount_subtotal: 2000, amount_total: 2000, currency: 'usd', mode: 'payment' };

// Object-name prefixes of event types whose object is not named by the type's first part.
const objectByPrefix: Array<[string, string]> = [
  ['checkout.session.', 'checkout.session'],
  ['charge.dispute.', 'dispute'],
  ['charge.refund.', 'refund'],
  ['customer.subscription.', 'subscription'],
  ['customer.source.', 'card'],
  ['customer.discount.', 'discount'],
  ['customer.tax_id.', 'tax_id'],
  ['invoiceitem.', 'invoiceitem'],
];

const idPrefixByObject: Record<string, string> = {
  'checkout.session': 'cs_test_',
  payment_intent: 'pi_',
  charge: 'ch_',
  refund: 're_',
  customer: 'cus_',
  invoice: 'in_',
  subscription: 'sub_',
  product: 'prod_',
  price: 'price_',
  payment_method: 'pm_',
  setup_intent: 'seti_',
  payout: 'po_',
  dispute: 'dp_',
};

/**
 * Builds a realistic, fully typed event of `type`: Stripe's own example object for the resource,
 * put in the state the event implies (a completed, paid Checkout Session for
 * `checkout.session.completed`), with fresh ids, then `overrides` deep-merged in.
 *
 * @example createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: 'o_1' } } } })
 */
export function createTestEvent<T extends StripeEventType>(type: T, overrides?: DeepPartial<StripeEventOf<T>>): StripeEventOf<T> {
  if (typeof type !== 'string' || !/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(type)) {
    throw new TypeError(`createTestEvent: "${String(type)}" is not a Stripe event type such as "checkout.session.completed".`);
  }
  const created = Math.floor(Date.now() / 1000);
  const objectName = objectNameOf(type);
  const example = exampleObjects[objectName];
  const idPrefix = idPrefixByObject[objectName] ?? `${objectName.replace(/\W/g, '_')}_`;
  let object: Record<string, unknown> = {
    ...(example ?? { object: objectName, livemode: false, metadata: {} }),
    id: `${idPrefix}${randomId(24)}`,
    created,
    ...(objectName === 'checkout.session' ? checkoutAmounts : {}),
    ...stateByType[type],
  };
  if (objectName === 'checkout.session') object = { ...object, url: null, payment_intent: `pi_${randomId(24)}` };

  const event = {
    ...exampleEventEnvelope,
    id: `evt_test_${randomId(24)}`,
    api_version: apiVersion,
    created,
    type,
    data: { object },
    request: { id: `req_${randomId(14)}`, idempotency_key: crypto.randomUUID() },
  };
  return deepMerge(event, overrides) as unknown as StripeEventOf<T>;
}

function objectNameOf(type: string): string {
  for (const [prefix, name] of objectByPrefix) if (type.startsWith(prefix)) return name;
  return type.slice(0, type.lastIndexOf('.'));
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomId(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let id = '';
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
}
