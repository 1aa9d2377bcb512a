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
  return logger ?? defaultLogger;
}
