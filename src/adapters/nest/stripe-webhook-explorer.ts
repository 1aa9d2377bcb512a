import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { WebhookHandler } from '../../handler/build-webhook-handler.js';
import type { WebhookRouter } from '../../router/create-webhook-router.js';
import type { WebhookContext } from '../../types.js';
import { eventTypesOf } from './on-stripe-event.decorator.js';
import { STRIPE_WEBHOOK_HANDLER, STRIPE_WEBHOOK_ROUTER } from './tokens.js';

type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];
type Method = (this: object, event: unknown, ctx: WebhookContext) => unknown;

/**
 * Finds the `@OnStripeEvent` methods on every provider and controller of the app, once all of
 * them exist, and routes their events to them. The route is mounted earlier, but no delivery can
 * arrive before `app.init()` has run this.
 */
@Injectable()
export class StripeWebhookExplorer implements OnModuleInit {
  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(STRIPE_WEBHOOK_ROUTER) private readonly router: WebhookRouter,
    @Inject(STRIPE_WEBHOOK_HANDLER) private readonly handler: WebhookHandler,
  ) {}

  onModuleInit(): void {
    // One instance can stand behind several tokens (`useExisting`, a factory that returns another
    // provider): its methods must run once per event, not once per token.
    const seen = new Set<object>();
    const mapped = new Set<string>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const holder = methodsHolder(wrapper);
      if (!holder || seen.has(holder.key)) continue;
      seen.add(holder.key);
      for (const name of this.scanner.getAllMethodNames(holder.prototype)) {
        const method = (holder.prototype as Record<string, unknown>)[name];
        const types = eventTypesOf(method);
        if (!types) continue;
        const label = `${(holder.prototype.constructor as { name?: string } | undefined)?.name ?? 'provider'}.${name}`;
        const instance = staticInstance(wrapper, label);
        this.router.on(types, (event, ctx) => (method as Method).call(instance, event, ctx));
        this.handler.logger.info(`${types.join(', ')} -> ${label}`);
        if (mapped.has(label)) {
          // Usually a class listed in the providers of two modules instead of exported from one.
          this.handler.logger.warn(`${label} runs twice per event: Nest made two instances of its class (is it provided in two modules?)`);
        }
        mapped.add(label);
      }
    }
    if (mapped.size === 0) {
      this.handler.logger.warn('no @OnStripeEvent method was found on any provider or controller: deliveries are acknowledged and nothing runs');
    }
  }
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
        '(a webhook delivery is not a Nest request). Move the method to a singleton (default-scoped) provider.',
    );
  }
  return wrapper.instance as object;
}
