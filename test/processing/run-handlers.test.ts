// createHandlerRunner makes ctx.signal only when a handler reads it: a handler that reads it late,
// after its run was abandoned, must still get a signal aborted with the reason, and the run's
// verdict must not depend on whether the signal was ever read.
import { describe, expect, it } from 'vitest';
import { createWebhookRouter, type WebhookContext } from '../../src/entries/index.js';
import { createTestEvent } from '../../src/entries/testing.js';
import { createHandlerRunner, HandlerAbandonedError } from '../../src/processing/run-handlers.js';

const logger = { info() {}, warn() {}, error() {} };
const next = { failed: 'retried', timedOut: 'retried' };

function runOnce(handler: (ctx: WebhookContext) => unknown, options: { handlerTimeoutMs?: number; signal?: AbortSignal } = {}) {
  const router = createWebhookRouter().onAny((_event, ctx) => handler(ctx));
  const event = createTestEvent('checkout.session.completed', { id: 'evt_lazy_signal' });
  const runHandlers = createHandlerRunner(router, options.handlerTimeoutMs ?? 60_000);
  return runHandlers({ eventId: event.id, type: event.type, event: () => event, logger, signal: options.signal, next });
}

describe('createHandlerRunner: ctx.signal', () => {
  it('processes a handler that never reads ctx.signal', async () => {
    await expect(runOnce(() => undefined)).resolves.toEqual({ outcome: 'processed' });
  });

  it('gives a handler that reads ctx.signal after its deadline a signal aborted as handler_timeout', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let seen: AbortSignal | undefined;
    const verdict = await runOnce(
      async (ctx) => {
        await held;
        seen = ctx.signal;
      },
      { handlerTimeoutMs: 20 },
    );
    expect(verdict.outcome).toBe('handler_timeout');
    release();
    if (verdict.outcome !== 'handler_timeout') return;
    await expect(verdict.late).resolves.toEqual({ outcome: 'processed' });
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(HandlerAbandonedError);
    expect((seen?.reason as HandlerAbandonedError).code).toBe('handler_timeout');
  });

  it("aborts a signal read before the caller's own signal aborts, with the caller's reason", async () => {
    const caller = new AbortController();
    let seen: AbortSignal | undefined;
    const verdict = runOnce(
      (ctx) => {
        seen = ctx.signal;
        return new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      },
      { signal: caller.signal },
    );
    const reason = new HandlerAbandonedError('worker_stopped', 'stopped');
    caller.abort(reason);
    await expect(verdict).resolves.toMatchObject({ outcome: 'abandoned', error: reason });
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(reason);
  });
});
