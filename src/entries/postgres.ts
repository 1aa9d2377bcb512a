/**
 * A durable idempotency store on PostgreSQL, through a `pg` Pool or Client, or PGlite. It
 * imports none of them: it takes your client. See [stores](../../docs/stores.md).
 *
 * @module stripe-webhook-kit/postgres
 */

export * from '../stores/postgres-store.js';
