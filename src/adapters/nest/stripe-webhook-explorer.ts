import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { WebhookContext } from '../../types.js';
import { bindingsOf, type StripeWebhookBinding } from './on-stripe-event.decorator.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';
import { getStripeWebhookHandlerToken, STRIPE_WEBHOOK_ENDPOINT } from './tokens.js';

type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];
type Method = (this: object, ...args: unknown[]) => unknown;

/**
 * Finds the kit's decorated methods on every provider and controller of the app, once all of
 * them exist, and routes this endpoint's events to those that are for it (no `endpoint`, or its
 * name). No delivery can arrive before `app.init()` has run this.
 */
@Injectable()
export class StripeWebhookExplorer implements OnModuleInit {
  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(STRIPE_WEBHOOK_ENDPOINT) private readonly endpoint: WebhookEndpoint,
  ) {}

  onModuleInit(): void {
    const { name, router, handler, label } = this.endpoint;
    const providers = this.discovery.getProviders();
    if (providers.filter((wrapper) => wrapper.token === getStripeWebhookHandlerToken(name)).length > 1) {
      throw new Error(
        `StripeWebhookModule: the ${label} is imported twice. Import forRoot/forRootAsync once per endpoint, and give each endpoint its own \`name\` (e.g. "connect").`,
      );
    }
    // One instance can stand behind several tokens (`useExisting`, a factory that returns another
    // provider): its methods must run once per event, not once per token.
    const seen = new Set<object>();
    const mapped = new Set<string>();
    for (const wrapper of [...providers, ...this.discovery.getControllers()]) {
      const holder = methodsHolder(wrapper);
      if (!holder || seen.has(holder.key)) continue;
      seen.add(holder.key);
      for (const methodName of this.scanner.getAllMethodNames(holder.prototype)) {
        const method = (holder.prototype as Record<string, unknown>)[methodName] as Method;
        const bindings = bindingsOf(method).filter((binding) => binding.endpoint === undefined || binding.endpoint === name);
        if (bindings.length === 0) continue;
        const methodLabel = `${(holder.prototype.constructor as { name?: string } | undefined)?.name ?? 'provider'}.${methodName}`;
        const instance = staticInstance(wrapper, methodLabel);
        const run = (...args: unknown[]) => method.apply(instance, args);
        for (const binding of bindings) {
          bind(router, binding, run);
          handler.logger.info(`${describe(binding)} -> ${methodLabel}${name === undefined ? '' : ` (${label})`}`);
        }
        if (mapped.has(methodLabel)) {
          // Usually a class listed in the providers of two modules instead of exported from one.
          handler.logger.warn(`${methodLabel} runs twice per event: Nest made two instances of its class (is it provided in two modules?)`);
        }
        mapped.add(methodLabel);
      }
    }
    if (mapped.size === 0) {
      handler.logger.warn(`no @OnStripeEvent or @OnCheckout* method was found for the ${label}: deliveries are acknowledged and nothing runs`);
    }
  }
}

function bind(router: WebhookEndpoint['router'], binding: StripeWebhookBinding, run: (...args: unknown[]) => unknown): void {
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
