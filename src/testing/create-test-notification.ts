import type Stripe from 'stripe';
import type { ThinEventPayload, ThinEventType } from '../event-types.js';
import type { StripeEventType } from '../types.js';
import { createTestEvent } from './create-test-event.js';
import { deepMerge, type DeepPartial } from './deep-merge.js';

type RelatedObject = { id: string; type: string; url: string };

/**
 * Builds a thin event notification as Stripe sends it (`object: "v2.core.event"`), ready for
 * `createSignedRequest`. Given a type, a `v1.` notification points at a fresh object of the kind
 * its snapshot event carries. Given a snapshot event, it is that event's thin version, as Stripe
 * sends both during a migration: `snapshot_event` names the event and `related_object` its
 * `data.object`. Serve that object from your Stripe stand-in so `fetchRelatedObject()` finds it.
 *
 * @example createTestNotification('v1.checkout.session.completed')
 * @example createTestNotification(createTestEvent('checkout.session.completed'))
 */
export function createTestNotification<T extends ThinEventType>(type: T, overrides?: DeepPartial<ThinEventPayload<T>>): ThinEventPayload<T>;
export function createTestNotification<E extends Stripe.Event>(
  event: E,
  overrides?: DeepPartial<ThinEventPayload<Extract<ThinEventType, `v1.${E['type']}`>>>,
): ThinEventPayload<Extract<ThinEventType, `v1.${E['type']}`>>;
export function createTestNotification(typeOrEvent: string | Stripe.Event, overrides?: object): ThinEventPayload {
  const snapshot = typeof typeOrEvent === 'string' ? undefined : typeOrEvent;
  const type = snapshot ? `v1.${snapshot.type}` : typeOrEvent;
  if (typeof type !== 'string' || !/^v\d+(\.[a-z0-9_]+)+$/.test(type)) {
    throw new TypeError(`createTestNotification: "${typeof type === 'string' ? type : typeof type}" is not a thin event type such as "v1.checkout.session.completed".`);
  }
  const object = snapshot ? (snapshot.data.object as { id?: unknown; object?: unknown }) : exampleObjectOf(type);
  const notification = {
    id: `evt_test_${crypto.randomUUID().replaceAll('-', '')}`,
    object: 'v2.core.event',
    type,
    created: new Date((snapshot?.created ?? Math.floor(Date.now() / 1000)) * 1000).toISOString(),
    livemode: snapshot?.livemode ?? false,
    ...(snapshot ? { snapshot_event: snapshot.id } : {}),
    ...(snapshot?.account ? { context: snapshot.account } : {}),
    ...(snapshot?.request?.id ? { reason: { type: 'request', request: { id: snapshot.request.id, idempotency_key: snapshot.request.idempotency_key ?? '' } } } : {}),
    ...relatedObjectOf(object),
  };
  return deepMerge(notification, overrides as DeepPartial<typeof notification>) as unknown as ThinEventPayload;
}

/** For `v1.x.y`, the object a snapshot `x.y` event would carry; nothing for other types. */
function exampleObjectOf(type: string): unknown {
  if (!type.startsWith('v1.')) return undefined;
  try {
    return createTestEvent(type.slice('v1.'.length) as StripeEventType).data.object;
  } catch {
    return undefined;
  }
}

/** `related_object` for an API object, with the URL stripe-node's `fetchRelatedObject()` requests. */
function relatedObjectOf(object: unknown): { related_object?: RelatedObject } {
  const { id, object: name } = (object ?? {}) as { id?: unknown; object?: unknown };
  if (typeof id !== 'string' || typeof name !== 'string') return {};
  return { related_object: { id, type: name, url: `/v1/${resourcePath(name)}/${id}` } };
}

// `checkout.session` -> `checkout/sessions`, `payment_intent` -> `payment_intents`.
function resourcePath(objectName: string): string {
  const parts = objectName.split('.');
  const last = parts.pop() as string;
  return [...parts, last.endsWith('s') ? last : `${last}s`].join('/');
}

