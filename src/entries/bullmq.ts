/**
 * The durable inbox on BullMQ (Redis): acknowledge a delivery at once, process it later with
 * retries, dead letters and replay. `bullmq` is an optional peer, loaded on first use. See
 * [the durable inbox](../../docs/inbox.md).
 *
 * @module stripe-webhook-kit/bullmq
 */

export { bullmqInbox, type BullmqInboxOptions } from '../inbox/bullmq/bullmq-inbox.js';
export type { RedisLike } from '../inbox/bullmq/run-script.js';
export type * from '../inbox/types.js';
export { InboxError, InboxLeaseLostError, type InboxErrorCode } from '../inbox/inbox-error.js';
