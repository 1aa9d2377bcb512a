import { Logger } from '@nestjs/common';
import type { WebhookLogger } from '../../types.js';

/**
 * The module's default logger: Nest's own, so the kit's lines follow the app's logger settings
 * (`NestFactory.create(AppModule, { logger })`, or `logger: false` to silence them).
 */
export function nestWebhookLogger(context = 'StripeWebhook'): WebhookLogger {
  const logger = new Logger(context);
  // Details go into the line itself: a trailing string argument would be taken for the context
  // by Nest's loggers, and an object is printed differently by each of them.
  const line = (message: string, details?: Record<string, unknown>) => (details ? `${message} ${JSON.stringify(details)}` : message);
  return {
    info: (message, details) => logger.log(line(message, details)),
    warn: (message, details) => logger.warn(line(message, details)),
    error: (message, details) => logger.error(line(message, details)),
  };
}
