// The handler_timeout log line tells what happens to the event next, and that differs by how the
// delivery holds it: a lease (plain stores), a transaction (transactional postgresStore), nothing
// (no store). Each mode's line must say its own truth.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { postgresStore } from '../../src/stores/postgres-store.js';
import type { IdempotencyStore } from '../../src/types.js';
import { capturingLogger } from '../support/capturing-logger.js';
import { signedDelivery, testSecret } from '../support/deliveries.js';
import { waitUntil } from '../support/wait-until.js';

const pglite = new PGlite();
afterAll(() => pglite.close());

async function timeoutLine(store: IdempotencyStore | false) {
  let letGo = () => {};
  const held = new Promise<void>((resolve) => (letGo = resolve));
  let ended = false;
  const router = createWebhookRouter().onAny(async () => {
    await held;
    ended = true;
  });
  const { logger, lines } = capturingLogger();
  // The handler is held until after the answer, so the deadline always passes; it only has to be
  // long enough for a transactional store's BEGIN to reach the handler on a loaded machine.
  const handler = createWebhookHandler({ secret: testSecret, router, store, logger, handlerTimeoutMs: 500 });
  const delivery = signedDelivery('checkout.session.completed');
  const answer = await handler.handle({ method: 'POST', headers: delivery.headers, body: delivery.body });
  letGo();
  await waitUntil('the held handler ended', () => ended);
  expect(answer.status).toBe(500);
  expect(JSON.parse(answer.body)).toEqual({ error: 'handler_timeout' });
  const line = lines.find((one) => one.level === 'error' && one.message.includes('handlerTimeoutMs'));
  expect(line).toBeDefined();
  return line?.message ?? '';
}

describe('the handler_timeout log line', () => {
  it("with a plain store: the handlers keep the event's lease while they run", async () => {
    const message = await timeoutLine(memoryStore());
    expect(message).toContain("They keep the event's lease while they run, so duplicates get 409");
    expect(message).not.toContain('rolled back');
  });

  it('with a transactional postgresStore: the transaction is rolled back and the claim released, no lease kept', async () => {
    const message = await timeoutLine(postgresStore(pglite, { transactional: true, logger: false }));
    expect(message).toContain('Their transaction is rolled back now');
    expect(message).toContain("the event's claim released");
    expect(message).not.toContain('keep the event');
  });

  it('with no store: nothing holds the event', async () => {
    const message = await timeoutLine(false);
    expect(message).toContain('nothing holds the event');
    expect(message).not.toContain('lease');
  });
});
