/**
 * Describes whatever code outside the kit threw (a handler, an `onError` handler, a store's
 * client), for a log line. It never throws: a thrown value may be `Object.create(null)`, an Error
 * whose `message` getter throws, an object whose `toString` throws, a symbol or a revoked Proxy,
 * and formatting it must not turn a handled failure into an escaped one.
 */
export function describeError(value: unknown): string {
  try {
    return clip(describe(value, 0));
  } catch {
    return 'a thrown value that cannot be described';
  }
}

// A log line, not a dump: a huge message (or one holding a whole payload) is cut.
const maxLength = 2000;
const maxDepth = 3;

function describe(value: unknown, depth: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'symbol') return value.toString();
  // Numbers, booleans, bigints, undefined: String() is their description.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  if (typeof value !== 'object' && typeof value !== 'function') return String(value);
  if (value === null) return 'null';
  const name = attempt(() => readString(value, 'name'));
  const message = attempt(() => readString(value, 'message'));
  if (name !== undefined || message !== undefined) {
    const nested = attempt(() => (depth < maxDepth && value instanceof AggregateError ? value.errors.map((one) => describe(one, depth + 1)) : undefined));
    const head = [name, message].filter((part) => part !== undefined && part !== '').join(': ') || 'Error';
    return nested && nested.length > 0 ? `${head} [${nested.join('; ')}]` : head;
  }
  // An object's own toString (which may throw) is the best description it offers.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return attempt(() => String(value)) ?? attempt(() => Object.prototype.toString.call(value)) ?? 'an object that cannot be described';
}

/** A property read through getters that may throw; only strings count. */
function readString(value: object, key: 'name' | 'message'): string | undefined {
  const read = (value as Record<string, unknown>)[key];
  return typeof read === 'string' ? read : undefined;
}

function attempt<T>(step: () => T): T | undefined {
  try {
    return step();
  } catch {
    return undefined;
  }
}

function clip(text: string): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}... (${text.length - maxLength} more characters)` : text;
}
