// A secret that cannot verify anything is reported when the handler is built, and the
// contract's answers at delivery time stay as they were. Real Express servers on 127.0.0.1.
import express from 'express5';
import { afterEach, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { capturingLogger } from '../support/capturing-logger.js';
import { paidCheckout, testSecret } from '../support/deliveries.js';
import { listening } from '../support/listen.js';
import { expectAnswer, send, type RunningServer } from '../support/status-contract.js';

describe('a misconfigured secret, found when the handler is built', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function build(secret: string | string[]) {
    const { logger, lines } = capturingLogger();
    const middleware = stripeWebhookMiddleware({ secret, router: createWebhookRouter(), logger });
    // What was logged before any delivery arrived.
    const atStartup = lines.slice();
    const app = express();
    app.post('/v1/webhook', middleware);
    server = await listening(app.listen(0, '127.0.0.1'));
    return { url: server.url, atStartup };
  }

  it.each([
    ['empty', '', 'missing_secret', 500, 'missing_secret'],
    ['blank', '   ', 'missing_secret', 500, 'missing_secret'],
    ['a secret key', 'sk_test_51Habc', 'secret_is_api_key', 400, 'no_matching_signature'],
    ['a restricted key', 'rk_live_51Habc', 'secret_is_api_key', 400, 'no_matching_signature'],
    ['a publishable key', 'pk_test_51Habc', 'secret_is_api_key', 400, 'no_matching_signature'],
    ['not a signing secret', 'test_6f1c0c3f2b7e', 'secret_not_whsec', 400, 'no_matching_signature'],
  ] as const)('%s: an error at startup, and the contract\'s %s answer at delivery', async (_what, secret, code, status, answerCode) => {
    const { url, atStartup } = await build(secret);
    expect(atStartup).toEqual([{ level: 'error', message: expect.any(String), details: { code } }]);
    expect(atStartup[0]?.message).not.toContain(secret.trim() || '<none>');
    expectAnswer(await send(url, paidCheckout('o_1')), status, { error: answerCode });
  });

  it('names the API key among several secrets by its place, not its value', async () => {
    const { atStartup } = await build([testSecret, 'sk_live_51Hxyz']);
    expect(atStartup).toHaveLength(1);
    expect(atStartup[0]?.message).toContain('secret #2');
    expect(atStartup[0]?.message).not.toContain('51Hxyz');
  });

  it('says nothing for a signing secret, and the handler still builds for each bad one', async () => {
    const { url, atStartup } = await build(testSecret);
    expect(atStartup).toEqual([]);
    expectAnswer(await send(url, paidCheckout('o_1')), 200, { received: true });
    expect(() => createWebhookHandler({ secret: '', router: createWebhookRouter(), logger: false })).not.toThrow();
  });
});
