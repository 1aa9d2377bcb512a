import { invalidOption } from '../options.js';
export const defaultWebhookPath = '/v1/webhook';

/**
 * The one rule for a webhook route's path, shared by the adapters that own a route: a non-empty
 * path with or without its leading slash (`'v1/webhook'` and `'/v1/webhook'` are the same
 * route), normalised to exactly one leading slash.
 */
export function normalizeWebhookPath(path: unknown, adapter: string): string {
  if (path === undefined) return defaultWebhookPath;
  if (typeof path !== 'string' || path.trim() !== path || path.replace(/^\/+/, '') === '') {
    throw invalidOption('type', adapter, 'path', 'a non-empty path such as "/v1/webhook" (the default)', path);
  }
  return `/${path.replace(/^\/+/, '')}`;
}
