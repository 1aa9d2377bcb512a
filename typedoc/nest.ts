/**
 * The NestJS 10, 11 and 12 module and decorators, on the Express and Fastify platforms. See
 * [NestJS](../docs/nestjs.md).
 *
 * @module stripe-webhook-kit/nest
 */
export * from '../src/adapters/nest/index.js';
