import type { WebhookLogger } from './types.js';

const prefix = '[stripe-webhook-kit]';

/** Writes to the console, each line prefixed so it can be found in an app's logs. */
export const defaultLogger: WebhookLogger = {
  info: (message, details) => console.info(prefix, message, ...(details ? [details] : [])),
  warn: (message, details) => console.warn(prefix, message, ...(details ? [details] : [])),
  error: (message, details) => console.error(prefix, message, ...(details ? [details] : [])),
};

/** Discards everything: `logger: false`. */
export const silentLogger: WebhookLogger = { info() {}, warn() {}, error() {} };

export function resolveLogger(logger: WebhookLogger | false | undefined): WebhookLogger {
  if (logger === false) return silentLogger;
  return guardLogger(logger ?? defaultLogger);
}

const guarded = new WeakSet<WebhookLogger>();
const guards = new WeakMap<WebhookLogger, WebhookLogger>();

/**
 * The logger with every call made safe: a logger that throws (a closed transport, a method that
 * is missing) must not change the answer to a delivery, which is decided before it is logged.
 */
export function guardLogger(logger: WebhookLogger): WebhookLogger {
  if (guarded.has(logger)) return logger;
  const known = guards.get(logger);
  if (known) return known;
  const call = (level: keyof WebhookLogger) => (message: string, details?: Record<string, unknown>) => {
    try {
      if (details === undefined) logger[level](message);
      else logger[level](message, details);
    } catch {
      // Nowhere left to report it: the logger is the reporting channel.
    }
  };
  const safe: WebhookLogger = { info: call('info'), warn: call('warn'), error: call('error') };
  guarded.add(safe);
  guards.set(logger, safe);
  return safe;
}
