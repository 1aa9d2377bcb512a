import {
  handlerCrypto,
  isWebhookHandler,
  type HandlerCrypto,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from '../handler/build-webhook-handler.js';
import type { WebhookFramework } from '../types.js';
import { invalidOption } from '../options.js';

/**
 * The framework an adapter serves, when another adapter mounts it (Nest mounts the Express
 * middleware or the Fastify plugin): a symbol key, so it never reaches the handler's options.
 */
export const frameworkOption: unique symbol = Symbol.for('stripe-webhook-kit.framework');

/** The framework another adapter tagged `input` with, else the adapter's own. */
export function frameworkOf(input: unknown, own: WebhookFramework): WebhookFramework {
  const tagged = typeof input === 'object' && input !== null ? (input as Record<symbol, unknown>)[frameworkOption] : undefined;
  return tagged === 'nest' ? tagged : own;
}

export interface ResolveHandlerOptions {
  /** The public function being configured, for messages: `stripeWebhookMiddleware`, ... */
  adapter: string;
  /** Builds a handler from options with the adapter's verifier. */
  build: (options: WebhookHandlerOptions) => WebhookHandler;
  /** The verifier the adapter's runtime has; a Web adapter refuses a handler bound to node:crypto. */
  crypto: HandlerCrypto;
  /** Options of the adapter's own (e.g. `path`): never passed on to the handler. */
  adapterKeys?: readonly string[];
  /** Defaults the adapter derives from its framework (e.g. Fastify's `bodyLimit`); options given (not `undefined`) win. */
  defaults?: Partial<WebhookHandlerOptions>;
}

/**
 * The one resolver from what a user hands an adapter to a handler, run when the adapter is built
 * so that a bad configuration fails at startup with one message, whatever the framework. Takes a
 * handler from `createWebhookHandler`, `{ handler, ...adapterOptions }`, or the handler's options
 * (with the adapter's own options beside them).
 */
export function resolveWebhookHandler(input: unknown, { adapter, build, crypto, adapterKeys = [], defaults }: ResolveHandlerOptions): WebhookHandler {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError(`${adapter}: pass the handler options (at least \`secret\` and \`router\`), or a handler from createWebhookHandler().`);
  }
  if (isWebhookHandler(input)) return usable(input, adapter, crypto);
  const options = input as Record<string, unknown>;
  if ('handler' in options) {
    if (!isWebhookHandler(options.handler)) {
      throw invalidOption('type', adapter, 'handler', 'a handler from `createWebhookHandler()`, or left out for its options (`secret`, `router`, ...)', options.handler);
    }
    if ('secret' in options || 'router' in options) {
      throw new TypeError(`${adapter}: pass either \`handler\` or the handler options (\`secret\`, \`router\`, ...), not both.`);
    }
    return usable(options.handler, adapter, crypto);
  }
  const handlerOptions: Record<string, unknown> = { ...defaults };
  // An option given as `undefined` is one not given: the adapter's default stays (Nest's logger).
  for (const [key, value] of Object.entries(options)) if (!adapterKeys.includes(key) && value !== undefined) handlerOptions[key] = value;
  return build(handlerOptions as unknown as WebhookHandlerOptions);
}

function usable(handler: WebhookHandler, adapter: string, crypto: HandlerCrypto): WebhookHandler {
  if (crypto === 'web' && handlerCrypto(handler) === 'node') {
    throw new TypeError(
      `${adapter}: this handler verifies with node:crypto (it comes from createWebhookHandler of "stripe-webhook-kit"), which Cloudflare Workers and ` +
        'other edge runtimes lack. Pass the options to createFetchHandler({ secret, router, ... }) instead, or build the handler with ' +
        'createWebCryptoWebhookHandler from "stripe-webhook-kit/web".',
    );
  }
  return handler;
}
