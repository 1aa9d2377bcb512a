import { resolveLogger } from '../logger.js';
import type { ClaimResult, IdempotencyStore, TransactionClient, WebhookLogger } from '../types.js';
import { createLeaseTokens } from './lease-tokens.js';
import { isConnectionError, sqlState, unusableClientReason, warnAboutUnheardPoolErrors, type PostgresClient } from './postgres/client-health.js';
import { createTableGuard } from './postgres/ensure-table.js';
import { claimStatement, cleanupStatement, completeStatement, markDoneStatement, readyStatement, releaseStatement, schemaScript } from './postgres/statements.js';
import { createTransactionRunner } from './postgres/transaction-runner.js';
import { createStatementBatcher } from './postgres/statement-batcher.js';
import { defaultTableName, parseTableName } from './postgres/table-name.js';
import { defaults, invalidOption, wholeNumber } from '../options.js';
import { durableRetentionMs } from './retention.js';
import { advisedError } from './postgres/postgres-advice.js';
import { IdempotencyStoreError, causeText } from './store-error.js';
import { describeId, eventKey } from './event-key.js';

export type { PostgresClient } from './postgres/client-health.js';
export { IdempotencyStoreError, type IdempotencyStoreErrorCode } from './store-error.js';

/** Options of `postgresStore`: where the table lives, how long done events are kept, whether to create the table. */
export interface PostgresStoreOptions {
  /** The table, optionally schema-qualified (`billing.webhook_events`). Default `stripe_webhook_events`. */
  table?: string;
  /** How long a done event is remembered, in ms. Default 7 days (Stripe retries for 3). */
  retentionMs?: number;
  /**
   * Create the table on first use when it is missing. Default `true`. Pass `false` when a
   * migration creates it (see `postgresStoreSchema`) and the role may not run DDL.
   */
  createTable?: boolean;
  /** Where the store warns about its setup (a Pool without an 'error' listener). Default the console; `false` for none. */
  logger?: WebhookLogger | false;
  /**
   * Exactly-once effects: run the handlers inside the transaction that marks the event done, and
   * give them that transaction as `ctx.db`. Their writes through `ctx.db` then commit with the
   * mark or not at all (docs/exactly-once.md). Needs a pg Pool (recommended), a pg Client (its
   * deliveries then take turns) or PGlite. Default `false`.
   */
  transactional?: boolean;
}

export interface PostgresStore extends IdempotencyStore {
  /** The table, as configured. */
  readonly table: string;
  /**
   * Creates the table if needed, and checks that it can be reached and read. Optional: the first
   * claim does the same; call it at startup to fail fast on a misconfiguration.
   */
  ready(): Promise<void>;
  /**
   * Deletes expired leases and done events past their retention; resolves the number of rows
   * removed. Run it now and then (a daily job, or an unref'd interval): claims stay correct
   * without it, the table only grows.
   */
  cleanup(options?: { batchSize?: number }): Promise<number>;
  /** Present when the store was created with `{ transactional: true }`; see `IdempotencyStore`. */
  runInTransaction?(eventId: string, token: string, work: (db: TransactionClient) => Promise<void>, signal?: AbortSignal): Promise<void>;
}

/**
 * The SQL that creates the store's table and index (idempotent), for users who run migrations
 * themselves; pair it with `postgresStore(client, { table, createTable: false })`.
 */
export function postgresStoreSchema(table: string = defaultTableName): string {
  return schemaScript(parseTableName(table));
}

/** A row of the claim statement: the event's state after it, and whether this claim holds it. */
interface ClaimedRow {
  event_id: string;
  state: string;
  claimed: boolean;
}

/** The events of one statement, for an error message. */
function describeKeys(keys: readonly string[]): string {
  const first = describeId(keys[0] as string);
  return keys.length === 1 ? `event ${first}` : `${keys.length} events (${first} and others)`;
}

/**
 * Deduplicates Stripe events in a PostgreSQL table shared by every instance of the app. Takes a
 * `pg` Pool (recommended) or connected Client, or a PGlite instance. A delivery costs two
 * statements at most, a claim and a completion, and under load far fewer: the claims of
 * concurrent deliveries share one statement, and so do their completions. Each commit is durable. Lease and
 * retention times come from the database clock, so hosts with skewed clocks agree.
 *
 * @example
 * const store = postgresStore(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 * app.post('/v1/webhook', stripeWebhookMiddleware({ secret, router, store }));
 */
export function postgresStore(client: PostgresClient, options: PostgresStoreOptions = {}): PostgresStore {
  if (typeof client !== 'object' || client === null || typeof client.query !== 'function') {
    throw new TypeError('postgresStore: pass a pg Pool or Client, or a PGlite instance (anything with `query(text, params)`).');
  }
  const table = parseTableName(options.table ?? defaultTableName);
  const retentionMs = durableRetentionMs('postgresStore', options.retentionMs);
  const createTable = options.createTable ?? true;
  const guard = createTableGuard(client, table);
  warnAboutUnheardPoolErrors(client, resolveLogger(options.logger));
  const tokens = createLeaseTokens();
  const runner = options.transactional === true ? createTransactionRunner(client) : undefined;
  if (options.transactional === true && !runner) {
    throw new TypeError(
      'postgresStore: { transactional: true } needs a pg Pool, a pg Client or a PGlite instance, which can hold a transaction open; ' +
        'this client only has query(). Pass the Pool itself, or turn transactional off.',
    );
  }
  const sql = {
    ready: readyStatement(table),
    claim: claimStatement(table),
    complete: completeStatement(table),
    release: releaseStatement(table),
    cleanup: cleanupStatement(table),
    markDone: markDoneStatement(table),
  };
  const exclusive = <T>(statement: () => Promise<T>): Promise<T> => (runner ? runner.exclusive(statement) : statement());
  // Keys, not ids, so that two ids stored under one key are one row of a statement.
  const claimKeys = createStatementBatcher<{ token: string; leaseMs: number }, ClaimedRow | undefined>(async (keys, claims) => {
    const params = [keys, claims.map((claim) => claim.token), claims.map((claim) => claim.leaseMs)];
    const rows = (await run(`claim ${describeKeys(keys)}`, sql.claim, params)) as ClaimedRow[];
    const byKey = new Map(rows.map((row) => [row.event_id, row]));
    return keys.map((key) => byKey.get(key));
  });
  const completeKeys = createStatementBatcher<undefined, undefined>(async (keys) => {
    await run(`complete ${describeKeys(keys)}`, sql.complete, [keys, retentionMs]);
    return [];
  });

  /** Runs one statement, after the table exists, with errors that name the table and the cause. */
  async function run(action: string, text: string, params: unknown[], retried = false): Promise<unknown[]> {
    const unusable = unusableClientReason(client);
    if (unusable) throw new IdempotencyStoreError('postgres', 'not_connected', `postgresStore (table "${table.name}"): ${unusable}.`);
    try {
      return await exclusive(async () => {
        if (createTable) await guard.ensure();
        return (await client.query(text, params)).rows;
      });
    } catch (error) {
      // The table guard's own errors already say what failed.
      if (IdempotencyStoreError.is(error)) throw error;
      // undefined_table: dropped since it was created (a test reset, a manual cleanup).
      if (sqlState(error) === '42P01' && createTable && !retried) {
        guard.forget();
        return run(action, text, params, true);
      }
      throw statementError(action, error);
    }
  }

  function statementError(action: string, error: unknown): IdempotencyStoreError {
    const cause = causeText(error);
    const advised = advisedError(error, table.name, `${action} (table "${table.name}")`);
    if (advised) return advised;
    if (isConnectionError(error)) {
      return new IdempotencyStoreError('postgres', 'not_connected', `postgresStore: cannot reach the database to ${action} (table "${table.name}"): ${cause}.`, { cause: error });
    }
    if (sqlState(error) === '42P01') {
      return new IdempotencyStoreError(
        'postgres',
        'table_unavailable',
        `postgresStore: the table "${table.name}" does not exist: ${cause}. Create it with the SQL from postgresStoreSchema(${JSON.stringify(table.name)}), or leave createTable on.`,
        { cause: error },
      );
    }
    return new IdempotencyStoreError('postgres', 'query_failed', `postgresStore: failed to ${action} in table "${table.name}": ${cause}.`, { cause: error });
  }

  async function runInTransaction(eventId: string, token: string, work: (db: TransactionClient) => Promise<void>, signal?: AbortSignal): Promise<void> {
    if (!runner) throw new TypeError('postgresStore: runInTransaction needs a store created with { transactional: true }.');
    const key = await eventKey(eventId);
    const markDone = async (connection: { query: typeof client.query }) => {
      let marked: unknown[];
      try {
        marked = (await connection.query(sql.markDone, [key, token, retentionMs])).rows;
      } catch (error) {
        throw statementError(`mark event ${describeId(eventId)} done`, error);
      }
      if (marked.length === 0) {
        throw new IdempotencyStoreError(
          'postgres',
          'lease_lost',
          `postgresStore: the handlers of event ${describeId(eventId)} outlived its lease (leaseMs) and another delivery took it over, ` +
            'so their writes were rolled back; that delivery decides the outcome. Raise leaseMs above handlerTimeoutMs.',
        );
      }
    };
    await runner.run(work, markDone, signal);
  }

  return {
    table: table.name,
    ...(runner && { runInTransaction }),
    async ready() {
      await run('check the table', sql.ready, []);
    },
    async claim(eventId, leaseMs, ownToken): Promise<ClaimResult> {
      if (!(leaseMs > 0)) throw invalidOption('range', 'postgresStore.claim', 'leaseMs', 'a positive number of milliseconds', leaseMs);
      // A caller without tokens of its own gets one remembered per event id (the older API).
      const token = ownToken ?? tokens.create();
      const row = await claimKeys(await eventKey(eventId), { token, leaseMs });
      if (row?.claimed === true) {
        if (ownToken === undefined) tokens.remember(eventId, token);
        return 'claimed';
      }
      return row?.state === 'done' ? 'done' : 'in_progress';
    },
    async complete(eventId) {
      tokens.take(eventId);
      await completeKeys(await eventKey(eventId), undefined);
    },
    async release(eventId, ownToken) {
      const remembered = tokens.take(eventId);
      await run(`release event ${describeId(eventId)}`, sql.release, [await eventKey(eventId), ownToken ?? remembered ?? null]);
    },
    async cleanup(options = {}) {
      const batchSize = wholeNumber('postgresStore.cleanup', 'batchSize', options.batchSize, defaults.cleanupBatchSize);
      let removed = 0;
      for (;;) {
        const [row] = (await run('clean up expired events', sql.cleanup, [batchSize])) as Array<{ removed: number }>;
        const batch = Number(row?.removed ?? 0);
        removed += batch;
        if (batch < batchSize) return removed;
      }
    },
  };
}
