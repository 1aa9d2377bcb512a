/**
 * The durable inbox on pg-boss (PostgreSQL, or PGlite): acknowledge a delivery at once, process it
 * later with retries, dead letters and replay. It imports nothing: it takes your `PgBoss`
 * instance. See [the durable inbox](../../docs/inbox.md).
 *
 * @module stripe-webhook-kit/pg-boss
 */

export { pgBossInbox, type PgBossInboxOptions, type PgBossLike } from '../inbox/pg-boss/pg-boss-inbox.js';
export type * from '../inbox/types.js';
export { InboxError, InboxLeaseLostError, type InboxErrorCode } from '../inbox/inbox-error.js';
