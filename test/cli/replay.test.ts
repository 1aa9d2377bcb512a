// `stripe-webhook-kit replay`, run as a child process against a real endpoint.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { testSecret } from '../support/deliveries.js';
import { jsonLines, runCli } from '../support/run-cli.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let receiver: WebhookReceiver;
let directory: string;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  directory = await mkdtemp(join(tmpdir(), 'swk-replay-'));
});
afterAll(async () => {
  await receiver.close();
  await rm(directory, { recursive: true, force: true });
});

const endpoint = () => ['--forward-to', receiver.url, '--secret', testSecret];

describe('replay', () => {
  it('re-sends the events trigger --save recorded, in order: the endpoint answers them as duplicates', async () => {
    const file = join(directory, 'recorded.jsonl');
    const first = await runCli(['trigger', 'checkout.session.completed', '--metadata', 'orderId=ord_9', '--save', file, '--json', ...endpoint()]);
    const second = await runCli(['trigger', 'checkout.session.async_payment_succeeded', '--metadata', 'orderId=ord_9', '--save', file, '--json', ...endpoint()]);
    expect([first.code, second.code]).toEqual([0, 0]);
    const recordedIds = [first, second].map((run) => jsonLines(run.stdout)[0]?.eventId);

    const before = receiver.received.length;
    const run = await runCli(['replay', file, '--json', ...endpoint()]);

    expect(run.code).toBe(0);
    const deliveries = jsonLines(run.stdout).filter((line) => line.kind === 'delivery');
    expect(deliveries.map((delivery) => delivery.eventId)).toEqual(recordedIds);
    expect(deliveries.map((delivery) => delivery.eventType)).toEqual(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);
    // Signed again just now, so they verify; already done, so the handlers do not run again.
    expect(deliveries.map((delivery) => delivery.response)).toEqual(['{"received":true,"duplicate":true}', '{"received":true,"duplicate":true}']);
    expect(receiver.received.length).toBe(before);
  });

  it('signs old events with the current time, reads stdin for -, and skips blank lines', async () => {
    const old = createTestEvent('invoice.paid', { created: 1_600_000_000 });
    const run = await runCli(['replay', '-', ...endpoint()], { input: `\n${JSON.stringify(old)}\n\n` });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Replaying 1 event from - to ${receiver.url}`);
    expect(run.stdout).toContain(`200  invoice.paid  ${old.id}`);
    expect(receiver.received.at(-1)?.id).toBe(old.id);
  });

  it('exits 1 when an event is not answered with a 2xx', async () => {
    const failing = createTestEvent('customer.updated', { data: { object: { metadata: { fail: 'yes' } } } });
    const file = join(directory, 'failing.jsonl');
    await writeFile(file, `${JSON.stringify(failing)}\n`);
    const run = await runCli(['replay', file, ...endpoint()]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`500  customer.updated  ${failing.id}`);
    expect(run.stdout).toContain('sent 1, 2xx 0, non-2xx 1');
  });

  it('names the line of invalid JSON, and sends none of the valid lines before it', async () => {
    const file = join(directory, 'broken.jsonl');
    const valid = JSON.stringify(createTestEvent('charge.succeeded'));
    await writeFile(file, `${valid}\n${valid}\n{"id": "evt_1", "type": \n`);
    const requestsBefore = receiver.requests;
    const run = await runCli(['replay', file, ...endpoint()]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^error: ${escape(file)} line 3 is not valid JSON \\(.+\\); write one event per line\\n$`));
    expect(receiver.requests).toBe(requestsBefore);
  });

  it('names a line that is JSON but not an event', async () => {
    const file = join(directory, 'not-events.jsonl');
    await writeFile(file, `${JSON.stringify(createTestEvent('charge.succeeded'))}\n[1, 2]\n`);
    const run = await runCli(['replay', file, ...endpoint()]);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: ${file} line 2 is not a Stripe event: it needs string "id" and "type" fields\n`);
  });

  it('refuses a missing file, and an empty one, with exit code 2', async () => {
    const missing = await runCli(['replay', join(directory, 'nope.jsonl'), ...endpoint()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`error: cannot read events file "${join(directory, 'nope.jsonl')}": no such file\n`);

    const emptyFile = join(directory, 'empty.jsonl');
    await writeFile(emptyFile, '\n\n');
    const empty = await runCli(['replay', emptyFile, ...endpoint()]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('holds no events');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
