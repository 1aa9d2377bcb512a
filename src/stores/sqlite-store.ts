import type { ClaimResult, IdempotencyStore } from '../types.js';
import { describeId, eventKey } from './event-key.js';
import { plainIdentifier } from './identifier.js';
import { createLeaseTokens } from './lease-tokens.js';
import { defaults, invalidOption, wholeNumber } from '../options.js';
import { durableRetentionMs } from './retention.js';
import { sqliteDriver, type SqliteDatabase, type SqliteDriverName } from './sqlite/sqlite-driver.js';
import { storeError, tableMissing } from './sqlite/sqlite-errors.js';
import { schemaStatements, storeStatements } from './sqlite/statements.js';

export type { D1DatabaseLike, SqliteDatabase, SqliteDriverName, SyncSqliteDatabaseLike } from './sqlite/sqlite-driver.js';
export { IdempotencyStoreError, type IdempotencyStoreErrorCode } from './store-error.js';

/** Options of `sqliteStore`: the table, and how long done events are kept. */
export interface SqliteStoreOptions {
  /** The table, created on first use. Letters, digits and underscores. Default `stripe_webhook_events`. */
  table?: string;
  /** How long a done event is remembered, in ms. Default 7 days (Stripe retries for 3). */
  retentionMs?: number;
}

export interface SqliteStore extends IdempotencyStore {
  /** The table, as configured. */
  readonly table: string;
  /** Which driver the store recognised in the database object. */
  readonly driver: SqliteDriverName;
  /**
   * Creates the table if needed, and checks that it can be read. Optional: the first claim does
   * the same; call it at startup to fail fast on a misconfiguration.
   */
  ready(): Promise<void>;
  /**
   * Deletes expired leases and done events past their retention; resolves the number of rows
   * removed. Run it now and then (a daily job, a Cron Trigger): claims stay correct without it,
   * the table only grows.
   */
  cleanup(options?: { batchSize?: number }): Promise<number>;
}

const defaultTable = 'stripe_webhook_events';

/**
 * Deduplicates Stripe events in a SQLite table, shared by every process that opens the same file
 * and by every Worker bound to the same D1 database. Takes the database object of the runtime's
 * driver and imports none: a D1 binding (`env.DB`), a `node:sqlite` `DatabaseSync` (Node 22.5+),
 * a `bun:sqlite` `Database`, or a `better-sqlite3` `Database`.
 *
 * Each call is one statement, so a delivery costs a claim and a completion. A claim decides and
 * answers in one upsert under SQLite's write lock, so of concurrent claims exactly one wins. Lease
 * and retention times come from the database's clock. The synchronous drivers run each statement
 * on the calling thread; when the database has no busy timeout the store sets one of 5 s, so that
 * processes sharing the file wait for each other's writes instead of failing.
 *
 * @example
 * const store = sqliteStore(new DatabaseSync('webhooks.db'));
 * const handler = createFetchHandler({ secret, router, store });
 */
export function sqliteStore(db: SqliteDatabase, options: SqliteStoreOptions = {}): SqliteStore {
  const driver = sqliteDriver(db);
  const table = options.table ?? defaultTable;
  if (typeof table !== 'string' || !plainIdentifier.test(table) || table.length > 63) {
    throw invalidOption('type', 'sqliteStore', 'table', 'letters, digits and underscores (not starting with a digit, at most 63 characters), such as "webhook_events"', table);
  }
  const retentionMs = durableRetentionMs('sqliteStore', options.retentionMs);
  const tokens = createLeaseTokens();
  const sql = storeStatements(table);

  // Made once per store; a failure is not remembered, so Stripe's retry tries again once fixed.
  let creating: Promise<void> | undefined;
  const ensureTable = () =>
    (creating ??= driver.script(schemaStatements(table)).catch((error: unknown) => {
      creating = undefined;
      throw storeError(driver.name, table, 'create the table', error);
    }));

  /** Runs one statement, after the table exists, with errors that name the table and the fix. */
  async function run(action: string, text: string, params: Array<string | number | null>, retried = false): Promise<Array<Record<string, unknown>>> {
    await ensureTable();
    try {
      return await driver.all(text, params);
    } catch (error) {
      // Dropped since it was made (a test reset, a manual cleanup): make it again, once.
      if (tableMissing(error) && !retried) {
        creating = undefined;
        driver.reset();
        return run(action, text, params, true);
      }
      throw storeError(driver.name, table, action, error);
    }
  }

  return {
    table,
    driver: driver.name,
    async ready() {
      await run('check the table', sql.ready, []);
    },
    async claim(eventId, leaseMs, ownToken): Promise<ClaimResult> {
      if (!(leaseMs > 0)) throw invalidOption('range', 'sqliteStore.claim', 'leaseMs', 'a positive number of milliseconds', leaseMs);
      // A caller without tokens of its own gets one remembered per event id (the older API).
      const token = ownToken ?? tokens.create();
      const [row] = await run(`claim event ${describeId(eventId)}`, sql.claim, [await eventKey(eventId), token, leaseMs]);
      if (row?.state === 'in_progress' && row.lease_token === token) {
        if (ownToken === undefined) tokens.remember(eventId, token);
        return 'claimed';
      }
      return row?.state === 'done' ? 'done' : 'in_progress';
    },
    async complete(eventId) {
      tokens.take(eventId);
      await run(`complete event ${describeId(eventId)}`, sql.complete, [await eventKey(eventId), retentionMs]);
    },
    async release(eventId, ownToken) {
      const token = tokens.take(eventId) ?? null;
      const owner = ownToken ?? token;
      await run(`release event ${describeId(eventId)}`, sql.release, [await eventKey(eventId), owner, owner]);
    },
    async cleanup(options = {}) {
      const batchSize = wholeNumber('sqliteStore.cleanup', 'batchSize', options.batchSize, defaults.cleanupBatchSize);
      let removed = 0;
      for (;;) {
        const batch = (await run('clean up expired events', sql.cleanup, [batchSize])).length;
        removed += batch;
        if (batch < batchSize) return removed;
      }
    },
  };
}
