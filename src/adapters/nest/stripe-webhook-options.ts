import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { isWebhookHandler, type WebhookHandler, type WebhookHandlerOptions } from '../../handler/build-webhook-handler.js';
import { createWebhookHandler } from '../../handler/create-webhook-handler.js';
import { invalidOption } from '../../options.js';
import type { WebhookRouter } from '../../router/create-webhook-router.js';
import type { BodyReadOptions } from '../capped-body.js';
import { resolveWebhookHandler } from '../resolve-webhook-handler.js';
import { normalizeWebhookPath } from '../webhook-path.js';
import { nestWebhookLogger } from './nest-webhook-logger.js';

/** What shapes the endpoint's Nest route: known when the module is imported. */
export interface StripeWebhookRouteOptions {
  /**
   * Names the endpoint, for an app with several (an account and a Connect endpoint, each with
   * its own secret): `@OnStripeEvent(type, { endpoint: name })` and the injection tokens pick it.
   * Default: the unnamed endpoint.
   */
  name?: string;
  /**
   * The route's path, e.g. `'v1/webhook'` (the default) or `'stripe/events'`. Like any controller
   * path, it goes under `app.setGlobalPrefix()`, versioning and `RouterModule`.
   */
  path?: string;
  /**
   * Decorators for the webhook route alone, e.g. `[UseGuards(StripeIpAllowList)]` or
   * `[Version('2')]`. Classes they name (guards, interceptors) are resolved in the module's scope:
   * global providers, or those of `forRootAsync`'s `imports`.
   */
  decorators?: readonly MethodDecorator[];
}

/**
 * The options of `createWebhookHandler`, less the router (the module builds one from the
 * decorated methods), plus the route's. Any other handler option is passed on untouched.
 */
export interface StripeWebhookModuleOptions extends Omit<WebhookHandlerOptions, 'router' | 'logger'>, StripeWebhookRouteOptions, BodyReadOptions {
  /** Where decisions are logged. Default Nest's `Logger` (context `StripeWebhook`); `false` logs nothing. */
  logger?: WebhookHandlerOptions['logger'];
}

/** Options of `StripeWebhookModule.forRootAsync`: the handler options come from a factory with injected providers. */
export interface StripeWebhookModuleAsyncOptions extends StripeWebhookRouteOptions {
  /** Modules whose providers `inject` names, e.g. `ConfigModule`. */
  imports?: ModuleMetadata['imports'];
  /** What `useFactory` receives, in order, e.g. `[ConfigService]`. */
  inject?: FactoryProvider['inject'];
  /**
   * Makes the handler options from the injected providers; may be async. A `path` it returns is
   * used when none is given here; `name` and `decorators` must be given here.
   */
  useFactory: (...injected: never[]) => Omit<StripeWebhookModuleOptions, 'name' | 'decorators'> | Promise<Omit<StripeWebhookModuleOptions, 'name' | 'decorators'>>;
}

/** The endpoint as the module's providers see it. */
export interface ResolvedEndpoint {
  /** `undefined` for the unnamed endpoint. */
  name: string | undefined;
  /** The controller path: no leading or trailing slash. */
  path: string;
  /** For log lines: `endpoint "connect"`, or `webhook` for the unnamed one. */
  label: string;
  /** The resolved `bodyTimeoutMs`: how long the route waits for a body. */
  bodyTimeoutMs: number;
}

/** Which entry point the options came through, for messages: the user wrote one of these. */
export type ModuleEntry = 'StripeWebhookModule.forRoot' | 'StripeWebhookModule.forRootAsync';

/** The module's own options (the route's): never passed on to the handler. */
const routeOptionKeys: readonly (keyof StripeWebhookRouteOptions)[] = ['name', 'path', 'decorators'];

/** Checked at import time, so a bad name fails where it is written. */
export function resolveName(name: unknown): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) {
    throw invalidOption('type', 'StripeWebhookModule', 'name', 'a word such as "connect" (letters, digits, "_", "-", ".")', name);
  }
  return name;
}

/**
 * The path as a controller takes it (no leading or trailing slash), by the rule every adapter
 * shares. Literal only: the raw body is captured before routing, by path.
 */
export function resolvePath(path: unknown, entry: ModuleEntry): string {
  const literal = normalizeWebhookPath(path, entry).slice(1).replace(/\/+$/, '');
  if (literal === '' || /[:*?(){}]/.test(literal)) {
    // The module reads the raw body before Nest routes the request, by path: a pattern would match nothing.
    throw invalidOption('type', entry, 'path', 'a literal path such as "v1/webhook" (the default), without parameters or wildcards', path);
  }
  return literal;
}

export function resolveDecorators(decorators: unknown): readonly MethodDecorator[] {
  if (decorators === undefined) return [];
  if (!Array.isArray(decorators) || !decorators.every((one) => typeof one === 'function')) {
    throw invalidOption('type', 'StripeWebhookModule', 'decorators', 'an array of method decorators, e.g. `[UseGuards(IpAllowListGuard)]`', decorators);
  }
  return decorators as readonly MethodDecorator[];
}

export function endpointLabel(name: string | undefined): string {
  return name === undefined ? 'webhook' : `webhook endpoint "${name}"`;
}

/**
 * The endpoint's handler, through the resolver every adapter shares: the route's own options are
 * left out, every other option is passed on untouched (so a handler option added later needs
 * nothing here), the router is always the module's (the decorated methods fill it) and the
 * logger is Nest's unless one is given.
 */
export function resolveModuleHandler(options: StripeWebhookModuleOptions, router: WebhookRouter, entry: ModuleEntry): WebhookHandler {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${entry}: pass options with at least \`secret\`, e.g. \`${entry}({ secret: process.env.STRIPE_WEBHOOK_SECRET })\`.`);
  }
  // A prebuilt handler has a router of its own, which the @OnStripeEvent methods could not reach.
  if (isWebhookHandler(options) || 'handler' in options) {
    throw new TypeError(
      `${entry}: the module builds the endpoint's handler itself, so that @OnStripeEvent methods fill its router: pass the handler's ` +
        'options (`secret`, `store`, `maxBodyBytes`, ...) instead of a handler. A prebuilt handler is mounted with stripeWebhookMiddleware ' +
        'from "stripe-webhook-kit/express" or stripeWebhookPlugin from "stripe-webhook-kit/fastify".',
    );
  }
  return resolveWebhookHandler(
    { ...options, router },
    { adapter: entry, build: createWebhookHandler, crypto: 'node', adapterKeys: [...routeOptionKeys, 'bodyTimeoutMs'], defaults: { logger: nestWebhookLogger() } },
  );
}
