import type { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { WebhookRouter } from '../../router/create-webhook-router.js';
import type { WebhookContext, WebhookLogger } from '../../types.js';
import { bindingsOf, type StripeWebhookBinding } from './on-stripe-event.decorator.js';

type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];
type Method = (this: object, ...args: unknown[]) => unknown;

/** Whose decorated methods to route: an endpoint's (the webhook route's, or an inbox worker's). */
export interface DecoratedHandlersTarget {
  /** `undefined` for the unnamed endpoint: methods without `{ endpoint }`, or with this name, are bound. */
  name: string | undefined;
  /** For log lines, e.g. `webhook endpoint "connect"`. */
  label: string;
  router: WebhookRouter;
  logger: WebhookLogger;
}

/**
 * Finds the kit's decorated methods on every provider and controller of the app and routes those
 * for `target` (no `endpoint`, or its name) to its router. Shared by the webhook route and the
 * inbox worker, so that both run the same methods with the same rules. Resolves how many methods
 * were bound.
 */
export function bindDecoratedHandlers(discovery: DiscoveryService, scanner: MetadataScanner, target: DecoratedHandlersTarget): number {
  const { name, label, router, logger } = target;
  // One instance can stand behind several tokens (`useExisting`, a factory that returns another
  // provider): its methods must run once per event, not once per token.
  const seen = new Set<object>();
  const mapped = new Set<string>();
  for (const wrapper of [...discovery.getProviders(), ...discovery.getControllers()]) {
    const holder = methodsHolder(wrapper);
    if (!holder || seen.has(holder.key)) continue;
    seen.add(holder.key);
    for (const methodName of scanner.getAllMethodNames(holder.prototype)) {
      const method = (holder.prototype as Record<string, unknown>)[methodName] as Method;
      const bindings = bindingsOf(method).filter((binding) => binding.endpoint === undefined || binding.endpoint === name);
      if (bindings.length === 0) continue;
      const methodLabel = `${(holder.prototype.constructor as { name?: string } | undefined)?.name ?? 'provider'}.${methodName}`;
      const instance = staticInstance(wrapper, methodLabel);
      const run = (...args: unknown[]) => method.apply(instance, args);
      for (const binding of bindings) {
        bind(router, binding, run);
        logger.info(`${describe(binding)} -> ${methodLabel}${name === undefined ? '' : ` (${label})`}`);
      }
      if (mapped.has(methodLabel)) {
        // Usually a class listed in the providers of two modules instead of exported from one.
        logger.warn(`${methodLabel} runs twice per event: Nest made two instances of its class (is it provided in two modules?)`);
      }
      mapped.add(methodLabel);
    }
  }
  if (mapped.size === 0) {
    logger.warn(`no @OnStripeEvent or @OnCheckout* method was found for the ${label}: nothing runs for its events`);
  }
  return mapped.size;
}

function bind(router: WebhookRouter, binding: StripeWebhookBinding, run: (...args: unknown[]) => unknown): void {
  if (binding.kind === 'on') router.on(binding.types, (event, ctx: WebhookContext) => run(event, ctx));
  else router[binding.kind]((session, event, ctx) => run(session, event, ctx));
}

function describe(binding: StripeWebhookBinding): string {
  return binding.kind === 'on' ? binding.types.join(', ') : binding.kind;
}

/**
 * Where a wrapper's methods are looked up: its instance's prototype, or its class's when it has
 * no instance of its own (request-scoped, transient); aliases (`useExisting`) are skipped. The
 * key is the instance: one object behind several tokens runs once, while the class provided in
 * two modules (two instances) runs on each, as Nest made two providers.
 */
function methodsHolder(wrapper: InstanceWrapper): { key: object; prototype: object } | undefined {
  if (wrapper.isAlias) return undefined;
  const instance: unknown = wrapper.instance;
  const hasInstance = typeof instance === 'object' && instance !== null;
  const prototype: unknown = hasInstance ? Object.getPrototypeOf(instance) : (wrapper.metatype as { prototype?: unknown } | null | undefined)?.prototype;
  if (typeof prototype !== 'object' || prototype === null || prototype === Object.prototype) return undefined;
  return { key: hasInstance ? instance : prototype, prototype };
}

/** The one instance a handler runs on; request-scoped and transient providers have no such one. */
function staticInstance(wrapper: InstanceWrapper, label: string): object {
  if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
    throw new Error(
      `@OnStripeEvent: ${label} is on a request-scoped or transient provider, which has no single instance to run on ` +
        '(a webhook delivery is handled outside any one request\'s scope). Move the method to a singleton (default-scoped) provider.',
    );
  }
  return wrapper.instance as object;
}
