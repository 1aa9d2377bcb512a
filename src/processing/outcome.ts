/**
 * What became of one verified event. `handle()` maps each outcome to the status contract; other
 * entry points (a catch-up run, a trusted channel, an inbox worker) read it directly.
 * - `handler_timeout`: the handlers did not settle within `handlerTimeoutMs`; they keep the lease
 *   (they may still be running) and settle it when they end, except with a transactional store,
 *   whose transaction is rolled back at once and the claim released.
 * - `store_timeout`: the store did not answer the claim within `storeTimeoutMs`.
 */
export type ProcessOutcome =
  | 'processed'
  | 'duplicate'
  | 'in_progress'
  | 'discarded'
  | 'failed'
  | 'store_unavailable'
  | 'handler_timeout'
  | 'store_timeout'
  /** Stored in the inbox for a worker (`createWebhookHandler({ inbox })`). */
  | 'queued'
  | 'inbox_unavailable';
