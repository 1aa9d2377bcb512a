import type { HttpAdapterLike } from './mount-webhook-route.js';

/** What is read of Nest's `HttpAdapterHost`. */
export interface AdapterHostLike {
  httpAdapter: HttpAdapterLike | null | undefined;
  /** Emits once the adapter is set (Nest 11 and later). */
  readonly init$?: { subscribe(next: () => void): unknown };
}

/**
 * Calls `callback` as soon as the host has its HTTP adapter: at once under `NestFactory.create`
 * (which sets it before creating providers), or later under `@nestjs/testing`, whose
 * `createNestApplication()` sets it after the providers exist, but still before `app.init()`.
 *
 * Nest 11+ announces that on `init$`. Nest 10 has no such signal, so the host's own setter is
 * wrapped, on this one instance, to make the same call; without it a testing app on Express would
 * mount the route after Nest's JSON parser, which then consumes the body.
 */
export function whenHttpAdapterSet(host: AdapterHostLike, callback: () => void): void {
  if (typeof host.init$?.subscribe === 'function') {
    host.init$.subscribe(callback);
    return;
  }
  if (host.httpAdapter) {
    callback();
    return;
  }
  const accessor = findAccessor(host, 'httpAdapter');
  if (!accessor?.get || !accessor.set) return;
  // Both are called below with `.call(this)`, on the object they came from.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const { get, set } = accessor;
  Object.defineProperty(host, 'httpAdapter', {
    configurable: true,
    enumerable: accessor.enumerable ?? false,
    get() {
      return get.call(this) as unknown;
    },
    set(adapter: unknown) {
      set.call(this, adapter);
      callback();
    },
  });
}

function findAccessor(target: object, key: string): PropertyDescriptor | undefined {
  for (let proto = Object.getPrototypeOf(target) as object | null; proto; proto = Object.getPrototypeOf(proto) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (descriptor) return descriptor;
  }
  return undefined;
}
