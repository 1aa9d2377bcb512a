import type { WebhookLogger } from '../types.js';

/** The methods of pino's logger (Fastify's `request.log`) that the kit writes through. */
export interface PinoLikeLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
  /** pino's level; Fastify's stand-in when the app has no logger has none. */
  level?: unknown;
}

/**
 * Fastify's logger when the app has one (`Fastify({ logger: true })` or a `loggerInstance`):
 * Fastify hands over a silent stand-in otherwise, and the kit's lines must not vanish with it.
 */
export function appLogger(log: unknown): PinoLikeLogger | undefined {
  const candidate = log as Partial<PinoLikeLogger> | undefined;
  return typeof candidate?.level === 'string' && typeof candidate.error === 'function' ? (candidate as PinoLikeLogger) : undefined;
}

/**
 * Writes the kit's lines through pino, which takes the details first and the message second
 * (`log.error({ eventId }, 'a handler failed')`): called the console's way, pino would drop them.
 */
export function pinoWebhookLogger(log: PinoLikeLogger): WebhookLogger {
  return {
    info: (message, details) => log.info({ ...details }, message),
    warn: (message, details) => log.warn({ ...details }, message),
    error: (message, details) => log.error({ ...details }, message),
  };
}
