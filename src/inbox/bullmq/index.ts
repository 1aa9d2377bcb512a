// stripe-webhook-kit/bullmq: the durable inbox on BullMQ (Redis), an optional peer.
export { bullmqInbox, type BullmqInboxOptions, type RedisLike } from './bullmq-inbox.js';
export type * from '../types.js';
export { InboxError, InboxLeaseLostError, type InboxErrorCode } from '../inbox-error.js';
