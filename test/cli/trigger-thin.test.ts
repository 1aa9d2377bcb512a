// `stripe-webhook-kit trigger --thin`, run as a child process against a real endpoint that routes
// thin notifications (its Stripe client points at the local stand-in).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSecret } from '../support/deliveries.js';
import { runCli } from '../support/run-cli.js';
import { startThinObjectsServer, type ThinObjectsServer } from '../support/stripe-api/thin-objects-server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let api: ThinObjectsServer;
let receiver: WebhookReceiver;
beforeAll(async () => {
  api = await startThinObjectsServer();
  receiver = await startWebhookReceiver(testSecret, api.stripe);
});
afterAll(async () => {
  await receiver.close();
  await api.close();
});

describe('trigger --thin', () => {
  it('signs and sends the thin notification of the event type', async () => {
    const run = await runCli(['trigger', 'checkout.session.completed', '--thin', '--repeat', '2', '--forward-to', receiver.url, '--secret', testSecret]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Sending 2 v1.checkout.session.completed events (thin)');
    expect(receiver.notifications).toHaveLength(2);
    for (const notification of receiver.notifications) {
      expect(notification).toMatchObject({ object: 'v2.core.event', type: 'v1.checkout.session.completed', related_object: { type: 'checkout.session' } });
      expect(notification.snapshot_event).toBeUndefined();
      expect(typeof notification.fetchEvent).toBe('function');
    }
    expect(new Set(receiver.notifications.map((notification) => notification.id)).size).toBe(2);
  });

  it('refuses --metadata with --thin: a thin notification carries no object', async () => {
    const run = await runCli(['trigger', 'checkout.session.completed', '--thin', '--metadata', 'orderId=o_1', '--forward-to', receiver.url, '--secret', testSecret]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('do not apply with --thin');
    expect(receiver.notifications).toHaveLength(2);
  });
});
