// stripe-webhook-kit/pg-boss: the durable inbox on the app's own PgBoss instance.
export { pgBossInbox, type PgBossInboxOptions, type PgBossLike } from './pg-boss-inbox.js';
export type * from '../types.js';
export { InboxError, InboxLeaseLostError, type InboxErrorCode } from '../inbox-error.js';
