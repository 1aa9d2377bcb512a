import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { InboxWorkerOptions } from '../../inbox/start-inbox-worker.js';
import { resolveLogger } from '../../logger.js';
import { invalidOption, wholeNumber } from '../../options.js';
import type { WebhookLogger } from '../../types.js';
import { resolveName } from './stripe-webhook-options.js';
import { nestWebhookLogger } from './nest-webhook-logger.js';

/**
 * The options of `startInboxWorker`, less the router: the module fills one from the app's
 * `@OnStripeEvent` and `@OnCheckout*` methods, as the webhook route does.
 */
export interface StripeInboxWorkerModuleOptions extends Omit<InboxWorkerOptions, 'router' | 'logger'>, StripeInboxWorkerRouteOptions {
  /** Where attempts are logged. Default Nest's `Logger` (context `StripeInboxWorker`); `false` logs nothing. */
  logger?: WebhookLogger | false;
}

/** What is known when the worker module is imported. */
export interface StripeInboxWorkerRouteOptions {
  /**
   * Whose decorated methods run: those without `{ endpoint }` and those for this endpoint `name`
   * (the one given to `StripeWebhookModule.forRoot`). Default: the unnamed endpoint, so the
   * methods without `{ endpoint }`.
   */
  endpoint?: string;
}

/** Options of `StripeInboxWorkerModule.forRootAsync`: the worker's options come from a factory with injected providers. */
export interface StripeInboxWorkerModuleAsyncOptions extends StripeInboxWorkerRouteOptions {
  /** Modules whose providers `inject` names, e.g. the module that provides your `PgBoss` or Redis client. */
  imports?: ModuleMetadata['imports'];
  /** What `useFactory` receives, in order. */
  inject?: FactoryProvider['inject'];
  /** Makes the worker's options (`inbox`, `concurrency`, `logger`) from the injected providers; may be async. `endpoint` is given here, beside it. */
  useFactory: (...injected: never[]) => Omit<StripeInboxWorkerModuleOptions, 'endpoint'> | Promise<Omit<StripeInboxWorkerModuleOptions, 'endpoint'>>;
}

export type WorkerModuleEntry = 'StripeInboxWorkerModule.forRoot' | 'StripeInboxWorkerModule.forRootAsync';

/** The worker's options, checked where the user wrote them, with Nest's logger by default. */
export interface ResolvedWorkerOptions {
  inbox: InboxWorkerOptions['inbox'];
  concurrency: number;
  /** What `startInboxWorker` logs to. */
  logger: WebhookLogger | false;
  /** What the module itself logs to (which method handles what). */
  moduleLogger: WebhookLogger;
}

/**
 * Checks the options once, so that a bad one fails `forRoot` (or `NestFactory` for
 * `forRootAsync`) with the entry point's name, never at the first job.
 */
export function resolveWorkerOptions(options: Omit<StripeInboxWorkerModuleOptions, 'endpoint'>, entry: WorkerModuleEntry): ResolvedWorkerOptions {
  if (typeof options !== 'object' || options === null || typeof (options.inbox as { consume?: unknown } | undefined)?.consume !== 'function') {
    const requirement =
      `the same inbox as the webhook's, e.g. \`${entry}({ inbox: pgBossInbox(boss), concurrency: 8 })\` ` +
      '(pgBossInbox from "stripe-webhook-kit/pg-boss", bullmqInbox from "stripe-webhook-kit/bullmq")';
    throw invalidOption('type', entry, 'inbox', requirement, (options as { inbox?: unknown } | null | undefined)?.inbox);
  }
  const concurrency = wholeNumber(entry, 'concurrency', options.concurrency, 1);
  const logger = options.logger ?? nestWebhookLogger('StripeInboxWorker');
  return { inbox: options.inbox, concurrency, logger, moduleLogger: resolveLogger(logger) };
}

/** Checked at import time, with the same rule as the webhook's `name`. */
export function resolveWorkerEndpoint(endpoint: unknown, entry: WorkerModuleEntry): string | undefined {
  try {
    return resolveName(endpoint);
  } catch {
    throw invalidOption('type', entry, 'endpoint', 'the `name` given to StripeWebhookModule.forRoot (e.g. "connect")', endpoint);
  }
}
