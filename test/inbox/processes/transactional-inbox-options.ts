// The transactional inbox's options, the same in the test and in the worker it SIGKILLs.
import type { PgBossInboxOptions } from '../../../src/inbox/pg-boss/pg-boss-inbox.js';

export interface CrashWorkerConfig {
  url: string;
  /** pg-boss's schema, made by the test (pg-boss-engines.ts). */
  schema: string;
  /** The event log's table. */
  table: string;
  /** The counters the handler increments: `(id text, n int)`. */
  counters: string;
}

export function transactionalInboxOptions(config: CrashWorkerConfig): PgBossInboxOptions {
  // A short lease: the killed worker's job expires (pg-boss redelivers it) and its claim ends soon.
  return { table: config.table, queue: 'exactly_once', transactional: true, leaseMs: 2_000, pollingIntervalSeconds: 0.5, retry: { limit: 10, delaySeconds: 0, backoff: false } };
}
