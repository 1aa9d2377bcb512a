import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { WebhookHandlerOptions } from '../../handler/build-webhook-handler.js';
import type { WebhookRouter } from '../../router/create-webhook-router.js';
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
export interface StripeWebhookModuleOptions extends Omit<WebhookHandlerOptions, 'router' | 'logger'>, StripeWebhookRouteOptions {
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
}

export const defaultPath = 'v1/webhook';

/** Checked at import time, so a bad name fails where it is written. */
export function resolveName(name: unknown): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) {
    throw new TypeError(`StripeWebhookModule: \`name\` must be a word such as "connect" (letters, digits, "_", "-", "."), got ${JSON.stringify(name)}.`);
  }
  return name;
}

/** The path as a controller takes it. Literal only: the raw body is read before routing, by path. */
export function resolvePath(path: unknown = defaultPath): string {
  const trimmed = typeof path === 'string' ? path.replace(/^\/+|\/+$/g, '') : '';
  if (typeof path !== 'string' || path.trim() !== path || trimmed === '' || /[:*?(){}]/.test(trimmed)) {
    throw new TypeError(
      `StripeWebhookModule: \`path\` must be a literal path such as "v1/webhook" (the default), without parameters or wildcards; got ${JSON.stringify(path)}.`,
    );
  }
  return trimmed;
}

export function resolveDecorators(decorators: unknown): readonly MethodDecorator[] {
  if (decorators === undefined) return [];
  if (!Array.isArray(decorators) || !decorators.every((one) => typeof one === 'function')) {
    throw new TypeError('StripeWebhookModule: `decorators` must be an array of method decorators, e.g. `[UseGuards(IpAllowListGuard)]`.');
  }
  return decorators as readonly MethodDecorator[];
}

export function endpointLabel(name: string | undefined): string {
  return name === undefined ? 'webhook' : `webhook endpoint "${name}"`;
}

/**
 * The core handler's options from the module's: everything but the route's own options is
 * passed through untouched (so a handler option added later, such as `inbox`, needs nothing
 * here), with the router and Nest's logger by default. The one place that resolves them.
 */
export function toHandlerOptions(options: StripeWebhookModuleOptions, router: WebhookRouter): WebhookHandlerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('StripeWebhookModule: pass options with at least `secret`, e.g. `forRoot({ secret: process.env.STRIPE_WEBHOOK_SECRET })`.');
  }
  const { path: _path, name: _name, decorators: _decorators, logger, ...handlerOptions } = options;
  return { ...handlerOptions, router, logger: logger ?? nestWebhookLogger() };
}
