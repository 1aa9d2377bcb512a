/**
 * A `Request -> Response` handler on Web APIs only (Web Crypto): Next.js App Router, Hono, Bun,
 * Deno, Cloudflare Workers. See [adapters](../../docs/adapters.md#web-nextjs-app-router-hono-bun-deno-workers).
 *
 * @module stripe-webhook-kit/web
 */

export * from '../adapters/web.js';
