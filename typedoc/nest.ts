/**
 * The NestJS 10, 11 and 12 webhook module and decorators, on the Express and Fastify platforms,
 * and the inbox worker module for application contexts. See
 * [NestJS](../docs/nestjs.md).
 *
 * @module stripe-webhook-kit/nest
 */
export * from '../src/adapters/nest/index.js';
