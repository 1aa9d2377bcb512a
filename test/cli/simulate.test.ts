// `stripe-webhook-kit simulate`, run as a child process against real endpoints.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSecret } from '../support/deliveries.js';
import { jsonLines, runCli } from '../support/run-cli.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let receiver: WebhookReceiver;
// Answers 503 to everything: an endpoint that is down.
let failing: Server;
let failingUrl: string;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  failing = createServer((_request, response) => response.writeHead(503).end('{"error":"down"}'));
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/v1/webhook`;
});
afterAll(async () => {
  await receiver.close();
  await new Promise((resolve) => failing.close(resolve));
});

const simulate = (...args: string[]) => runCli(['simulate', '--secret', testSecret, ...args]);
const stormy = ['--duplicates', '0.5', '--reorder', '--concurrency', '3'];

describe('simulate', () => {
  it('plays the scenario for the orders given, with duplicates and reordering, as JSON lines', async () => {
    const before = receiver.received.length;
    const run = await simulate('--forward-to', receiver.url, '--scenario', 'async-succeeded', '--order-id', 'ord_a', '--order-id', 'ord_b', '--count', '2', '--seed', '7', ...stormy, '--json');

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = jsonLines(run.stdout);
    const deliveries = lines.filter((line) => line.kind === 'delivery');
    for (const delivery of deliveries) {
      expect(delivery).toMatchObject({ url: receiver.url, ok: true, copy: expect.any(Number), attempt: 1, concurrent: expect.any(Boolean), scheduledAt: expect.any(Number) });
    }
    // Eight events (two orders, four each), some sent more than once; the kit's handler ran each once.
    const received = receiver.received.slice(before) as Stripe.Event[];
    expect(received).toHaveLength(8);
    expect(deliveries.length).toBeGreaterThan(8);
    expect(deliveries.filter((delivery) => (delivery.copy as number) > 1).every((delivery) => delivery.response === '{"received":true,"duplicate":true}' || delivery.response === '{"received":true}')).toBe(true);
    const orders = received.flatMap((event) => (event.type === 'checkout.session.completed' ? [event.data.object.metadata?.orderId] : []));
    expect(orders.sort()).toEqual(['ord_a', 'ord_b']);
    expect(lines.at(-1)).toMatchObject({ kind: 'summary', seed: 7, events: 8, acknowledged: 8, unacknowledged: [], failed: 0, sent: deliveries.length });
  });

  it('replays the same schedule for the same seed', async () => {
    const schedule = async () => {
      const run = await simulate('--forward-to', receiver.url, '--scenario', 'card', '--scenario', 'async-failed', '--seed', '31', ...stormy, '--json');
      expect(run.code).toBe(0);
      // Lines are printed as deliveries are answered, and concurrent ones may be answered in either
      // order: the schedule is the set of deliveries, compared in one fixed order.
      return jsonLines(run.stdout)
        .filter((line) => line.kind === 'delivery')
        .map((line) => JSON.stringify([line.scheduledAt, line.eventType, line.copy, line.attempt, line.concurrent]))
        .sort();
    };
    expect(await schedule()).toEqual(await schedule());
  });

  it('prints each delivery, the summary and the seed to replay', async () => {
    const run = await simulate('--forward-to', receiver.url, '--scenario', 'card', '--seed', '3', '--duplicates', '1');

    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Simulating card (3 events, orders ord_sim_3_1) to ${receiver.url}: seed 3, duplicates 1, in created order, concurrency 1`);
    // Every event at least twice (a third copy for some), one after the other at concurrency 1.
    const delivered = lines.filter((line) => /^200 {2}\S+ {2}evt_test_\w+( {2}copy [23])? {2}[\d.]+ ms {2}\{"received":true/.test(line));
    expect(delivered.filter((line) => line.includes('copy 2'))).toHaveLength(3);
    expect(lines.at(-3)).toMatch(new RegExp(`^sent ${delivered.length}, 2xx ${delivered.length}, non-2xx 0, latency p50`));
    expect(lines.at(-2)).toBe(`events 3: acknowledged 3, never acknowledged 0; duplicates ${delivered.length - 3} (0 concurrent), retries 0, out of order 0`);
    expect(lines.at(-1)).toBe('seed 3: pass --seed 3 to replay this schedule');
  });

  it('retries an endpoint that fails and exits 1 when an event never got a 2xx', async () => {
    const run = await simulate('--forward-to', failingUrl, '--scenario', 'expired', '--seed', '1', '--max-attempts', '3');

    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('503  checkout.session.expired')).map((line) => line.includes('attempt'))).toEqual([false, true, true]);
    expect(run.stdout).toContain('events 1: acknowledged 0, never acknowledged 1; duplicates 0 (0 concurrent), retries 2');
    expect(run.stdout).toMatch(/never acknowledged: checkout\.session\.expired evt_test_\w+ after 3 deliveries, last answer 503 \{"error":"down"\}/);
  });

  it('shows a progress line on a terminal', async () => {
    const run = await runCli(['simulate', '--secret', testSecret, '--forward-to', receiver.url, '--scenario', 'card', '--count', '3', '--seed', '2', ...stormy], { terminal: true, env: { NO_COLOR: '1' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\d+ sent {2}2xx \d+ {2}non-2xx 0/);
    expect(run.stdout).toContain('events 9: acknowledged 9, never acknowledged 0');
  });

  it.each([
    [['--scenario', 'cart'], 'unknown scenario "cart"; did you mean "card"?'],
    [[], 'missing --scenario <name>: one of card, async-succeeded, async-failed, expired'],
    [['--scenario', 'card', '--duplicates', '1.5'], '--duplicates must be a share of events between 0 and 1'],
    [['--scenario', 'card', '--count', '2', '--order-id', 'ord_1'], 'got 1 --order-id for 2 checkout flows'],
    [['--scenario', 'card', '--seed', 'abc'], '--seed must be a whole number'],
  ])('refuses %j with exit code 2, sending nothing', async (args, message) => {
    const before = receiver.received.length;
    const run = await simulate('--forward-to', receiver.url, ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(receiver.received.length).toBe(before);
  });
});
