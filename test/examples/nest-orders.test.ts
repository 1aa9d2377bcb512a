// examples/nest-orders (StripeWebhookModule on Nest 11, Express platform), on PGlite.
import { expect, it } from 'vitest';
import { createSignedRequest, createTestEvent } from '../../src/entries/testing.js';
import { testSecret } from '../support/deliveries.js';
import { describeOrderFlow } from '../support/order-flow.js';
import { startExample } from '../support/start-example.js';

describeOrderFlow('nest-orders on PGlite', () => startExample('nest-orders'), ({ app, createOrder, getOrder }) => {
  it('runs its @OnStripeEvent method for checkout.session.expired, leaving the order pending', async () => {
    const order = await createOrder();
    const event = createTestEvent('checkout.session.expired', { data: { object: { metadata: { orderId: order.id } } } });
    const request = createSignedRequest(event, testSecret);
    const response = await fetch(`${app().baseUrl}/v1/webhook`, { method: 'POST', headers: request.headers, body: request.body });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect((await getOrder(order.id)).status).toBe('pending');
    // The app's stdout arrives through a pipe, possibly just after the HTTP answer.
    await expect.poll(() => app().output()).toContain(`checkout expired for order ${order.id}, still pending`);
  });
});
