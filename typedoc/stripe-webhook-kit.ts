/**
 * The core: verification that decides as stripe-node does, the typed router with its checkout
 * helpers, the HTTP-neutral webhook handler that owns the status contract, and the in-memory
 * idempotency store. It imports nothing outside the package at run time (`node:crypto` only in
 * the synchronous verifier).
 *
 * @module stripe-webhook-kit
 */
export * from '../src/index.js';
