// Telemetry on vs off on the Express route: `node --import tsx bench/telemetry.ts`.
// Two Express 5 servers of the built package (dist/), each in its own process: one with the
// OpenTelemetry SDK registered (spans batched to an exporter that drops them, metrics aggregated),
// one with `telemetry: false`. autocannon drives them in turns, every request a distinct signed
// Checkout Session event. The target is at most 5% fewer requests per second with telemetry on.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type Express from 'express';
import { assertBuiltPackage } from './built-package.js';
import { deliveryTemplate, signBody } from './payloads.js';

type Mode = 'on' | 'off';
const rounds = 3;
const seconds = 5;
const connections = 32;

if (process.argv[2] === 'server') await serve(process.argv[3] as Mode);
else await drive();

async function serve(mode: Mode): Promise<void> {
  const { createRequire } = await import('node:module');
  const express = createRequire(import.meta.url)('express5') as typeof Express;
  if (mode === 'on') {
    const { metrics, trace } = await import('@opentelemetry/api');
    const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
    // Spans are built, batched and handed over, as with a real exporter; only the network is left out.
    const dropping = { export: (_spans: unknown, done: (result: { code: number }) => void) => done({ code: 0 }), shutdown: async () => {} };
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropping)] }));
    class HeldReader extends MetricReader {
      protected async onForceFlush(): Promise<void> {}
      protected async onShutdown(): Promise<void> {}
    }
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new HeldReader()] }));
  }
  const { createWebhookRouter } = await import('stripe-webhook-kit');
  const { stripeWebhookMiddleware } = await import('stripe-webhook-kit/express');
  const { benchSecret } = await import('./payloads.js');
  const router = createWebhookRouter().on('checkout.session.completed', (event) => event.data.object.payment_status === 'paid');
  const app = express();
  app.post('/v1/webhook', stripeWebhookMiddleware({ secret: benchSecret, router, logger: false, telemetry: mode === 'on' }));
  const server = app.listen(0, '127.0.0.1', () => {
    process.on('disconnect', () => process.exit(0));
    process.send?.({ port: (server.address() as { port: number }).port });
  });
}

async function drive(): Promise<void> {
  assertBuiltPackage();
  const template = deliveryTemplate();
  let sequence = 1;
  const servers = new Map<Mode, { child: ChildProcess; url: string }>();
  for (const mode of ['off', 'on'] as const) {
    const child = fork(fileURLToPath(import.meta.url), ['server', mode], { execArgv: ['--import', 'tsx'] });
    const port = await new Promise<number>((resolve) => child.once('message', (message: { port: number }) => resolve(message.port)));
    servers.set(mode, { child, url: `http://127.0.0.1:${port}/v1/webhook` });
  }
  const load = (url: string, duration: number) =>
    autocannon({
      url,
      connections,
      duration,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const { body, signature } = signBody(template.body(sequence++));
            return { ...request, body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
          },
        },
      ],
    });
  try {
    for (const { url } of servers.values()) await load(url, 2); // warm-up: JIT, pools
    const rates: Record<Mode, number[]> = { on: [], off: [] };
    for (let round = 0; round < rounds; round++) {
      // Alternating order, so drift on a shared machine weighs on both.
      for (const mode of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const result = await load(servers.get(mode)!.url, seconds);
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${mode}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        rates[mode].push(result.requests.average);
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const off = median(rates.off);
    const on = median(rates.on);
    console.log(`telemetry off: ${Math.round(off)} req/s (rounds ${rates.off.map(Math.round).join(', ')})`);
    console.log(`telemetry on:  ${Math.round(on)} req/s (rounds ${rates.on.map(Math.round).join(', ')})`);
    console.log(`overhead: ${(((off - on) / off) * 100).toFixed(1)}% fewer requests per second with telemetry on (target <= 5%)`);
  } finally {
    for (const { child } of servers.values()) child.kill();
  }
}
