/**
 * A durable idempotency store on SQLite: Cloudflare D1, `node:sqlite`, `bun:sqlite` or
 * better-sqlite3. It imports none of them: it takes your database. See [stores](../../docs/stores.md).
 *
 * @module stripe-webhook-kit/sqlite
 */
export * from '../stores/sqlite-store.js';
