// What every bench server shares: the contenders, the secret, the same no-op fulfillment for ours
// and the hand-written handler, and the hand-shake with bench/http.ts (the port over IPC).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
// The package by its name: bench/http.ts runs the servers against the built dist/, as installed.
import { createWebhookRouter } from 'stripe-webhook-kit';
import type { WebhookHandlerOptions } from 'stripe-webhook-kit';
import { benchOpenTelemetry } from '../otel-sdk.js';
import { benchSecret } from '../payloads.js';

/**
 * - `ceiling`: reads the raw body and answers `{"received":true}` without verifying: the most any
 *   webhook route in the framework could do.
 * - `handwritten`: the framework's raw body and `stripe.webhooks.constructEvent`, as Stripe's docs
 *   show it.
 * - `ours`: our adapter with `store: false`, the like-for-like comparison (no deduplication).
 * - `ours-memory`: our adapter with its default memory store (deduplication on).
 */
export const serverVariants = ['ceiling', 'handwritten', 'ours', 'ours-memory'] as const;
/**
 * Rows only some frameworks have:
 * - `handwritten-same-response`: Stripe's handler, answering with `writeHead`/`end` as ours does,
 *   so the comparison is of the webhook work, not of the framework's response helpers.
 * - `ours-via-body-stream`: ours after touching `request.body`, as the Web adapter once read it
 *   (the cost of @hono/node-server's full undici Request).
 * - `ours-telemetry`: `ours` in an app that registered the OpenTelemetry SDK (spans batched to
 *   an exporter, metrics aggregated), against `ours`, where `@opentelemetry/api` is installed but
 *   no SDK is (what most apps have: the API comes with many packages).
 * - `otel-floor`: `ours` with its telemetry off, in an app with the same SDK that makes one empty
 *   span and one histogram record per request itself: the least any instrumentation that traces
 *   each delivery can cost, shown beside `ours-telemetry`.
 */
export const extraVariants = ['handwritten-same-response', 'ours-via-body-stream', 'ours-telemetry', 'otel-floor'] as const;
export type ServerVariant = (typeof serverVariants)[number] | (typeof extraVariants)[number];

export interface BenchFramework {
  name: string;
  /** Its server is bench/servers/<server>.ts. */
  server: string;
  variants: readonly ServerVariant[];
  /** What its hand-written handler is, when not `constructEvent`. */
  handwrittenLabel?: string;
  /** Run only when named in `--frameworks=` (its setup is slow). */
  optIn?: boolean;
  /** Interleaved runs per contender, as a multiple of the section's (default 1). */
  repetitionScale?: number;
}

export const frameworks: readonly BenchFramework[] = [
  { name: 'Express 5', server: 'express', variants: [...serverVariants, 'handwritten-same-response', 'ours-telemetry', 'otel-floor'] },
  { name: 'Fastify 5', server: 'fastify', variants: serverVariants },
  { name: 'Nest 11 / Express', server: 'nest-express', variants: serverVariants },
  { name: 'Nest 11 / Fastify', server: 'nest-fastify', variants: serverVariants },
  {
    name: 'Hono / @hono/node-server (Web adapter)',
    server: 'hono',
    variants: [...serverVariants, 'ours-via-body-stream'],
    handwrittenLabel: 'hand-written: constructEventAsync + createSubtleCryptoProvider (Stripe docs)',
  },
  {
    // Not bench/servers/next.ts: the app is bench/next/, served by `next start` (bench/next-app.ts).
    name: 'Next.js 16 App Router / next start (Web adapter)',
    server: 'next',
    variants: serverVariants,
    handwrittenLabel: 'hand-written: request.text() + constructEventAsync + createSubtleCryptoProvider (Stripe docs)',
    // npm ci + next build took 95-145 s on the 2 shared cores: more than the whole bench should wait.
    optIn: true,
    // Next's own work is about 1 ms of CPU per request, so ours and the hand-written route differ
    // by a few percent, less than the spread of 5 runs (which have read 0.97x, 0.98x, 1.01x and 1.26x).
    repetitionScale: 2.4,
  },
];

export const webhookPath = '/v1/webhook';
export const secret = benchSecret;
export const stripe = new Stripe('sk_test_bench');

export function readVariant(): ServerVariant {
  const variant = process.argv[2] as ServerVariant;
  const known: readonly string[] = [...serverVariants, ...extraVariants];
  if (!known.includes(variant)) throw new Error(`unknown variant ${String(variant)}; expected one of ${known.join(', ')}`);
  return variant;
}

/** Stands for the work a shop does on a paid session: the same trivial call for every contender. */
export function fulfill(session: Stripe.Checkout.Session): boolean {
  return session.payment_status === 'paid';
}

/** What the hand-written handlers do with a verified event: the switch of Stripe's docs. */
export function handleLikeStripeDocs(event: Stripe.Event): void {
  switch (event.type) {
    case 'checkout.session.completed':
      fulfill(event.data.object);
      break;
    default:
      break;
  }
}

/** Our handler options for a variant: only the store differs. */
export function ourOptions(variant: ServerVariant): WebhookHandlerOptions {
  const router = createWebhookRouter();
  router.on('checkout.session.completed', (event) => fulfill(event.data.object));
  const likeForLike = variant === 'ours' || variant === 'ours-telemetry' || variant === 'otel-floor';
  return { secret, router, ...(likeForLike ? { store: false as const } : {}), ...(variant === 'otel-floor' ? { telemetry: false as const } : {}) };
}

/** Registers the bench's OpenTelemetry SDK (bench/otel-sdk.ts) globally, as an app does at start-up. */
export async function registerOpenTelemetry(): Promise<void> {
  const { metrics, trace } = await import('@opentelemetry/api');
  const { meterProvider, tracerProvider } = await benchOpenTelemetry();
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
}

/**
 * Tells the parent which port the server listens on, and answers its `cpu` questions with the
 * CPU time this process has used (microseconds); exits when the parent goes away.
 */
export function announce(port: number): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message) => {
    if (message !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send?.({ cpu: user + system });
  });
  process.send?.({ port });
}

/** The port of a Node server listening on TCP. */
export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}
