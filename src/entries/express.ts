/**
 * Express 4 and 5 middleware (also Connect and `http.createServer`). It reads the raw body
 * itself, so mount it before `express.json()`. See [adapters](../../docs/adapters.md#express-4-and-5).
 *
 * @module stripe-webhook-kit/express
 */

export * from '../adapters/express.js';
