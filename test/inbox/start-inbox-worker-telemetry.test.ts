// Telemetry (docs/telemetry.md) for the durable inbox, over real HTTP (Express 5) and a real pg-boss
// on PGlite: the delivery's span, the worker's consumer span linked to it through the traceparent
// stored with the event, and the inbox metrics, as the OpenTelemetry SDK's in-memory exporter and
// a metric reader see them.
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import express from 'express5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeWebhookMiddleware } from '../../src/adapters/express.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker, type InboxWorker } from '../../src/inbox/start-inbox-worker.js';
import type { Inbox } from '../../src/inbox/types.js';
import { createWebhookRouter, type WebhookRouter } from '../../src/router/create-webhook-router.js';
import { createSignedRequest } from '../../src/testing/create-signed-request.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { listening } from '../support/listen.js';
import type { RunningServer } from '../support/status-contract.js';
import { statusOf } from '../support/inbox-contract.js';
import { startPgBossOnPglite, type PgBossSetup } from '../support/pg-boss-engines.js';

class TestMetricReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const secret = 'whsec_inbox_telemetry';
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const metricReader = new TestMetricReader();
const meterProvider = new MeterProvider({ readers: [metricReader] });
const telemetry = { tracerProvider, meterProvider };
const contextManager = new AsyncLocalStorageContextManager();

let setup: PgBossSetup;
let count = 0;
const servers: RunningServer[] = [];
const workers: InboxWorker[] = [];
beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  setup = await startPgBossOnPglite();
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await Promise.all(servers.map((server) => server.close()));
  await setup?.close();
  context.disable();
  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
});

async function openInbox(retryLimit: number): Promise<{ inbox: Inbox; deliver: (event: ReturnType<typeof createTestEvent>) => Promise<number> }> {
  count++;
  const inbox = pgBossInbox(setup.boss, { db: setup.db, table: `telemetry_events_${count}`, queue: `telemetry-${count}`, pollingIntervalSeconds: 0.5, retry: { limit: retryLimit, delaySeconds: 0 } });
  const app = express();
  app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router: createWebhookRouter(), inbox, logger: false, telemetry }));
  const server = await listening(app.listen(0, '127.0.0.1'));
  servers.push(server);
  const deliver = async (event: ReturnType<typeof createTestEvent>) => {
    const request = createSignedRequest(event, secret);
    return (await fetch(server.url, { method: 'POST', headers: request.headers, body: request.body })).status;
  };
  return { inbox, deliver };
}

function work(inbox: Inbox, router: WebhookRouter) {
  workers.push(startInboxWorker({ inbox, router, logger: false, telemetry }));
}

const spansAbout = (eventId: string, name: string): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((span) => span.name === name && span.attributes['messaging.message.id'] === eventId);

async function points(metric: string): Promise<DataPoint<unknown>[]> {
  const { resourceMetrics } = await metricReader.collect();
  return (resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((one) => one.descriptor.name === metric)?.dataPoints ?? []) as DataPoint<unknown>[];
}

describe('startInboxWorker({ telemetry }) behind a traced ingress', () => {
  it('makes one delivery a receive span and its processing a consumer span linked to it, with lag and attempts', async () => {
    const { inbox, deliver } = await openInbox(2);
    const event = createTestEvent('checkout.session.completed', { account: 'acct_1Telemetry', data: { object: { metadata: { orderId: 'o_traced' } } } } as never);
    expect(await deliver(event)).toBe(200);
    const [receive] = spansAbout(event.id, 'stripe.webhook receive');
    expect(receive?.attributes).toMatchObject({ 'stripe.webhook.outcome': 'queued', 'http.response.status_code': 200 });

    const handled: string[] = [];
    work(inbox, createWebhookRouter().onAny(() => void handled.push('ran')));
    await statusOf(inbox, event.id, 'done');
    const [process] = spansAbout(event.id, 'stripe.webhook process checkout.session.completed');
    expect(handled).toEqual(['ran']);
    expect(process?.kind).toBe(SpanKind.CONSUMER);
    expect(process?.attributes).toMatchObject({
      'messaging.system': 'stripe',
      'messaging.operation.type': 'process',
      'messaging.message.id': event.id,
      'stripe.event.type': 'checkout.session.completed',
      'stripe.livemode': false,
      'stripe.account': 'acct_1Telemetry',
      'stripe.webhook.attempt': 1,
      'stripe.webhook.outcome': 'processed',
    });
    // A link, not a parent: the job ran later, in its own trace.
    expect(process?.links.map((link) => link.context)).toMatchObject([{ traceId: receive?.spanContext().traceId, spanId: receive?.spanContext().spanId }]);
    expect(process?.parentSpanContext).toBeUndefined();
    const lag = (await points('stripe.webhook.inbox.lag')).find((point) => point.attributes['stripe.event.type'] === 'checkout.session.completed');
    expect((lag?.value as Histogram).count).toBe(1);
    expect((lag?.value as Histogram).min).toBeGreaterThanOrEqual(0);
  });

  it('marks each failed attempt an error with its number, and counts the event dead once its retries run out', async () => {
    const { inbox, deliver } = await openInbox(1);
    const event = createTestEvent('invoice.paid');
    expect(await deliver(event)).toBe(200);
    work(
      inbox,
      createWebhookRouter().on('invoice.paid', () => {
        throw new Error('ledger offline');
      }),
    );
    await statusOf(inbox, event.id, 'dead');
    const attempts = spansAbout(event.id, 'stripe.webhook process invoice.paid').sort((a, b) => Number(a.attributes['stripe.webhook.attempt']) - Number(b.attributes['stripe.webhook.attempt']));
    expect(attempts.map((span) => [span.attributes['stripe.webhook.attempt'], span.attributes['stripe.webhook.outcome'], span.status.code])).toEqual([
      [1, 'failed', SpanStatusCode.ERROR],
      [2, 'dead', SpanStatusCode.ERROR],
    ]);
    expect(attempts[1]?.events.map((one) => one.name)).toEqual(expect.arrayContaining(['exception', 'stripe.webhook.dead']));
    const dead = (await points('stripe.webhook.inbox.dead')).find((point) => point.attributes['stripe.event.type'] === 'invoice.paid');
    expect(dead?.value).toBe(1);
    const tries = (await points('stripe.webhook.inbox.attempts')).find((point) => point.attributes['stripe.event.type'] === 'invoice.paid');
    expect((tries?.value as Histogram).max).toBe(2);
  });

  it('counts an event dead when pg-boss gives up on a job whose worker died mid-handler', async () => {
    const { inbox, deliver } = await openInbox(0);
    const queue = `telemetry-${count}`;
    const event = createTestEvent('customer.created');
    expect(await deliver(event)).toBe(200);
    let wake: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => (wake = resolve));
    work(inbox, createWebhookRouter().on('customer.created', () => hung));
    await statusOf(inbox, event.id, 'processing');
    // What pg-boss does once the job outlived its expiry with no retries left (its worker died and
    // never reported): it moves the job to the dead-letter queue. No handler failed, so only the
    // dead letter can count the event.
    await setup.boss.send(`${queue}__dead`, { eventId: event.id, generation: 0 });
    await statusOf(inbox, event.id, 'dead');
    const dead = async () => (await points('stripe.webhook.inbox.dead')).find((point) => point.attributes['stripe.event.type'] === 'customer.created')?.value;
    await expect.poll(dead).toBe(1);
    wake();
  });
});
