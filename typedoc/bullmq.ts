/**
 * The durable inbox on BullMQ (Redis): acknowledge a delivery at once, process it later with
 * retries, dead letters and replay. `bullmq` is an optional peer, loaded on first use. See
 * [the durable inbox](../docs/inbox.md).
 *
 * @module stripe-webhook-kit/bullmq
 */
export * from '../src/inbox/bullmq/index.js';
