/**
 * An encapsulated Fastify 4 and 5 plugin that owns its route and its raw-body parser; the rest
 * of the app keeps Fastify's JSON parsing. See [adapters](../../docs/adapters.md#fastify-4-and-5).
 *
 * @module stripe-webhook-kit/fastify
 */

export * from '../adapters/fastify.js';
