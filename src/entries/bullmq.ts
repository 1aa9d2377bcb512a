// stripe-webhook-kit/bullmq: the durable inbox on BullMQ (Redis), an optional peer.
export { bullmqInbox, type BullmqInboxOptions } from './bullmq-inbox.js';
export type { RedisLike } from './run-script.js';
export type * from '../types.js';
export { InboxError, InboxLeaseLostError, type InboxErrorCode } from '../inbox-error.js';
