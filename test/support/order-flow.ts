// The order-fulfillment story every example must tell the same way, driven over HTTP against an
// example app started as a child process: orders move pending -> awaiting_payment -> paid |
// payment_failed, replays and late events change nothing, bad signatures are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignedRequest, createTestEvent } from '../../src/entries/testing.js';
import type { StripeEventType } from '../../src/types.js';
import { testSecret } from './deliveries.js';
import type { RunningExample } from './start-example.js';

export interface OrderJson {
  id: string;
  status: string;
  amount: number;
  email: string;
  checkout_session_id: string | null;
  payment_intent_id: string | null;
  fulfilled_at: string | null;
  updated_at: string;
}

export type CheckoutEventType = Extract<StripeEventType, `checkout.session.${string}`>;

/** What an example's own tests get: the running app, and the order helpers of the shared flow. */
export interface OrderFlowContext {
  app(): RunningExample;
  createOrder(email?: string): Promise<OrderJson>;
  getOrder(id: string): Promise<OrderJson>;
  pay(type: CheckoutEventType, orderId: string, paymentStatus?: 'paid' | 'unpaid'): Promise<{ status: number; body: Record<string, unknown> }>;
}

export function describeOrderFlow(title: string, start: () => Promise<RunningExample>, moreTests?: (context: OrderFlowContext) => void): void {
  describe(title, () => {
    let app: RunningExample;
    beforeAll(async () => {
      app = await start();
    });
    afterAll(() => app?.stop());

    async function createOrder(email = 'ada@example.com'): Promise<OrderJson> {
      const response = await fetch(`${app.baseUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 2000, email }) });
      expect(response.status).toBe(201);
      const { order, checkoutSession } = (await response.json()) as { order: OrderJson; checkoutSession: Record<string, unknown> };
      // Offline, the session is made locally and says so; it carries the order id like a real one.
      expect(checkoutSession).toMatchObject({ local: true, url: null, metadata: { orderId: order.id }, client_reference_id: order.id });
      expect(order).toMatchObject({ status: 'pending', amount: 2000, email, checkout_session_id: checkoutSession.id, fulfilled_at: null });
      return order;
    }

    async function getOrder(id: string): Promise<OrderJson> {
      const response = await fetch(`${app.baseUrl}/orders/${id}`);
      expect(response.status).toBe(200);
      return ((await response.json()) as { order: OrderJson }).order;
    }

    async function post(body: string, headers: Record<string, string>) {
      const response = await fetch(`${app.baseUrl}/v1/webhook`, { method: 'POST', headers, body });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }

    /** A signed checkout event for `orderId`, as Stripe would send it; returns the answer and what was sent. */
    async function pay(type: CheckoutEventType, orderId: string, paymentStatus?: 'paid' | 'unpaid') {
      const event = createTestEvent(type, { data: { object: { metadata: { orderId }, ...(paymentStatus ? { payment_status: paymentStatus } : {}) } } });
      const request = createSignedRequest(event, testSecret);
      return { ...(await post(request.body, request.headers)), event, request };
    }

    it('a card payment: checkout.session.completed (paid) fulfills the order', async () => {
      const order = await createOrder();
      const answer = await pay('checkout.session.completed', order.id, 'paid');

      expect(answer).toMatchObject({ status: 200, body: { received: true } });
      const paid = await getOrder(order.id);
      expect(paid).toMatchObject({ status: 'paid', checkout_session_id: answer.event.data.object.id });
      expect(paid.fulfilled_at).not.toBeNull();
      expect(paid.payment_intent_id).toMatch(/^pi_/);
    });

    it('a delayed bank debit that succeeds: completed (unpaid) waits, async_payment_succeeded fulfills', async () => {
      const order = await createOrder();
      expect((await pay('checkout.session.completed', order.id, 'unpaid')).status).toBe(200);
      expect(await getOrder(order.id)).toMatchObject({ status: 'awaiting_payment', fulfilled_at: null });

      expect((await pay('checkout.session.async_payment_succeeded', order.id)).status).toBe(200);
      const paid = await getOrder(order.id);
      expect(paid.status).toBe('paid');
      expect(paid.fulfilled_at).not.toBeNull();
    });

    it('a delayed bank debit that fails: completed (unpaid) waits, async_payment_failed marks it failed', async () => {
      const order = await createOrder();
      await pay('checkout.session.completed', order.id, 'unpaid');
      expect((await pay('checkout.session.async_payment_failed', order.id)).status).toBe(200);
      expect(await getOrder(order.id)).toMatchObject({ status: 'payment_failed', fulfilled_at: null });
    });

    it('a replayed delivery is answered as a duplicate, and another paid event for a paid order changes nothing', async () => {
      const order = await createOrder();
      const first = await pay('checkout.session.completed', order.id, 'paid');
      const paid = await getOrder(order.id);

      // The same event again, signed anew as Stripe does on a retry.
      const again = await post(first.request.body, createSignedRequest(first.request.body, testSecret).headers);
      expect(again).toEqual({ status: 200, body: { received: true, duplicate: true } });
      // A different event for the same payment (new id: the idempotency store cannot know it).
      expect((await pay('checkout.session.async_payment_succeeded', order.id)).status).toBe(200);
      expect(await getOrder(order.id)).toEqual(paid);
    });

    it('out of order: a late completed (unpaid) or async_payment_failed never takes a paid order back', async () => {
      const order = await createOrder();
      await pay('checkout.session.async_payment_succeeded', order.id);
      const paid = await getOrder(order.id);
      expect(paid.status).toBe('paid');

      expect((await pay('checkout.session.completed', order.id, 'unpaid')).status).toBe(200);
      expect((await pay('checkout.session.async_payment_failed', order.id)).status).toBe(200);
      expect(await getOrder(order.id)).toEqual(paid);
    });

    it('finds the order by client_reference_id when the session has no metadata.orderId', async () => {
      const order = await createOrder();
      const event = createTestEvent('checkout.session.completed', { data: { object: { metadata: {}, client_reference_id: order.id, payment_status: 'paid' } } });
      const request = createSignedRequest(event, testSecret);
      expect((await post(request.body, request.headers)).status).toBe(200);
      expect((await getOrder(order.id)).status).toBe('paid');
    });

    it('acknowledges an event for an order it does not have (200 discarded), so Stripe stops retrying', async () => {
      const answer = await pay('checkout.session.completed', 'ord_from_another_environment', 'paid');
      expect(answer).toEqual(expect.objectContaining({ status: 200, body: { received: true, discarded: true } }));
    });

    it('refuses a bad signature and a tampered body with 400, leaving the order as it was', async () => {
      const order = await createOrder();
      const event = createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: order.id } } } });
      const wrongSecret = createSignedRequest(event, 'whsec_someone_else');
      expect(await post(wrongSecret.body, wrongSecret.headers)).toEqual({ status: 400, body: { error: 'no_matching_signature' } });

      const signed = createSignedRequest(event, testSecret);
      const tampered = signed.body.replace('"amount_total": 2000', '"amount_total": 1');
      expect(tampered).not.toBe(signed.body);
      expect(await post(tampered, signed.headers)).toEqual({ status: 400, body: { error: 'no_matching_signature' } });

      expect(await getOrder(order.id)).toMatchObject({ status: 'pending', fulfilled_at: null });
    });

    moreTests?.({ app: () => app, createOrder, getOrder, pay });

    it('answers 400 to an invalid order and 404 to an unknown one', async () => {
      const invalid = await fetch(`${app.baseUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: -5, email: 'x@y.z' }) });
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({ error: 'invalid_order' });
      const malformed = await fetch(`${app.baseUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount": 20' });
      expect(malformed.status).toBe(400);
      expect((await fetch(`${app.baseUrl}/orders/ord_missing`)).status).toBe(404);
    });
  });
}
