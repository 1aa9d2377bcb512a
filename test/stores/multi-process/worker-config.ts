// What the test tells each worker process, as JSON in its WORKER_CONFIG environment variable.

/** Tables the workers' order-fulfillment handler writes, in the test's PostgreSQL database. */
export interface FulfillmentTables {
  /** One row per fulfilled order; `fulfillments` counts how often it was fulfilled (must be 1). */
  orders: string;
  /** Orders whose first handler run fails on purpose; `failed_at` marks that it did. */
  plannedFailures: string;
  /** Every handler run, with the worker that ran it. */
  runs: string;
  /** An order id here lets a blocked handler (`blockHandlers`) go on. */
  signals: string;
}

export interface WorkerConfig {
  name: string;
  express: 'express4' | 'express5';
  store: { kind: 'postgres'; table: string } | { kind: 'redis'; client: 'ioredis' | 'node-redis'; prefix: string };
  pgUrl: string;
  redisUrl: string;
  /** The server the store uses, when it is not the shared one (the fault test's own instance). */
  storeUrl?: string;
  /** The store's server is being crashed on purpose: its errors are expected, not printed. */
  storeFaultsExpected?: boolean;
  secret: string;
  tables: FulfillmentTables;
  leaseMs: number;
  /** Work each handler pretends to do, widening the window in which copies of an event race. */
  handlerDelayMs: number;
  /** Handlers wait for a signal row before fulfilling: the crash test kills the worker meanwhile. */
  blockHandlers: boolean;
  /**
   * `postgresStore(..., { transactional: true })` on a pool of its own, and the fulfillment written
   * through ctx.db; both pools connect as `applicationName`, so the test can kill their sessions.
   */
  transactional?: { applicationName: string };
}

/** Messages a worker sends to the test over the IPC channel. */
export type WorkerMessage = { ready: true; port: number };
