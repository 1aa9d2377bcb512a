import type Stripe from 'stripe';
import { parseTableName } from '../../stores/postgres/table-name.js';
import { InboxError, InboxLeaseLostError, isLeaseLost } from '../inbox-error.js';
import { attemptOutcome, fillTimeline, resolveFilter, resolveTimeline } from '../list-filter.js';
import { eventLogFields } from '../inbox-event.js';
import { resolveInboxOptions } from '../resolve-inbox-options.js';
import type { Inbox, InboxOptions, InboxRecord, InboxStats } from '../types.js';
import type { InboxDelivery, InboxEngine } from '../engine.js';
import type { TransactionClient } from '../../types.js';
import { inboxStatuses } from '../types.js';
import { jobEvent, toEntry, parsePayload, type EntryRow, type JobRow } from './event-log-rows.js';
import { claimEvent } from './claim-event.js';
import { ensureEventLogStatement, eventLogStatements, type EventLogTables } from './event-log-sql.js';
import { cursorAfter, entryColumns, filterQuery } from './list-query.js';
import { pgBossHealth } from './health-sql.js';
import { preparedClient } from './prepared-client.js';
import { isPglite } from '../../stores/postgres/transaction-runner.js';
import { engineConnection, toSqlDatabase, type SqlClient, type SqlDatabase } from './sql-client.js';
import { jobStatements, pgBossSchema, type JobStatements } from './job-sql.js';
import { reportToEngine, startJobWorker, type HeldJob } from './job-worker.js';

/**
 * What the inbox needs of a `PgBoss` instance: pg-boss 10 and later have it. The kit imports
 * nothing from pg-boss; it drives the instance the app made.
 */
export interface PgBossLike {
  /** pg-boss `createQueue`. */
  createQueue(name: string, options?: object): Promise<unknown>;
  /** pg-boss `send` (with `{ db }` to join the event's transaction). */
  send(name: string, data: object, options?: object): Promise<string | null>;
  /** pg-boss `work`. */
  work(name: string, options: object, handler: (jobs: never[]) => Promise<unknown>): Promise<string>;
  /** pg-boss `offWork`. */
  offWork(nameOrOptions: string | { id: string }, options?: { id?: string; wait?: boolean }): Promise<unknown>;
  /** pg-boss `getDb`: its own connection, used when no `db` is given. */
  getDb(): unknown;
  /** pg-boss `fail`: a job whose attempt failed goes to pg-boss's retries, backoff and dead letter. */
  fail(name: string, id: string, data?: object): Promise<unknown>;
}

export interface PgBossInboxOptions extends InboxOptions {
  /**
   * The pg Pool or PGlite instance pg-boss runs on, where the event log lives beside its jobs (one
   * transaction stores both). Default: the pool pg-boss opened itself (after `boss.start()`).
   */
  db?: unknown;
  /** The event log's table, optionally schema-qualified. Default `stripe_inbox_events`. */
  table?: string;
  /** How often an idle worker asks pg-boss for jobs, in seconds (pg-boss's default is 2). */
  pollingIntervalSeconds?: number;
  /**
   * The schema pg-boss runs in, when it runs on a `db` you gave it (then the inbox cannot ask it)
   * and not in its default, `pgboss`. The worker fetches and completes the queue's jobs itself, in
   * the statements that claim and settle their events.
   */
  schema?: string;
  /**
   * Run the handlers inside the transaction that marks the event done, and give them its client as
   * `ctx.db`: their writes through it happen exactly once. Each running handler holds a connection
   * (on PGlite, the only one: keep handlers short there). Default `false`.
   */
  transactional?: boolean;
}

/**
 * A durable inbox on pg-boss (PostgreSQL, or PGlite). The ingress stores the event and its job in
 * one transaction; pg-boss distributes the jobs, retries them with backoff and dead-letters them.
 *
 * @example
 * const boss = new PgBoss(process.env.DATABASE_URL!);
 * await boss.start();
 * const inbox = pgBossInbox(boss, { retry: { limit: 8, delaySeconds: 10 }, ordering: 'per-object' });
 */
export function pgBossInbox(boss: PgBossLike, options: PgBossInboxOptions = {}): Inbox {
  if (typeof boss?.send !== 'function' || typeof boss.work !== 'function' || typeof boss.fail !== 'function') {
    throw new TypeError('pgBossInbox: pass your PgBoss instance (`new PgBoss(...)`, started with `await boss.start()`).');
  }
  const { queue, retry, ordering, leaseMs } = resolveInboxOptions('pgBossInbox', options);
  const deadLetterQueue = `${queue}__dead`;
  const table = parseTableName(options.table ?? 'stripe_inbox_events');
  const objectsName = parseTableName(`${options.table ?? 'stripe_inbox_events'}_objects`);
  const tables: EventLogTables = { events: table.quoted, objects: objectsName.quoted, name: table.name };
  const sql = eventLogStatements(tables);
  const jobOptions = { retryLimit: retry.limit, retryDelay: retry.delaySeconds, retryBackoff: retry.backoff, expireInSeconds: Math.ceil(leaseMs / 1000), deadLetter: deadLetterQueue };
  // pg-boss 12 (`findJobs`) takes offWork(name, { id }); pg-boss 10 takes offWork({ id }).
  const offWork = (id: string) => ('findJobs' in boss ? boss.offWork(deadLetterQueue, { id, wait: true }) : boss.offWork({ id }));
  // Asked of the instance when it opened its own pool; else the option, else pg-boss's default.
  const schema = pgBossSchema(options.schema ?? (boss.getDb() as { config?: { schema?: unknown } } | undefined)?.config?.schema ?? 'pgboss');
  // The jobs this process's workers fetched and hold, by their events' lease tokens.
  const held = new Map<string, HeldJob>();
  let jobs: Promise<JobStatements> | undefined;

  let setup: Promise<SqlDatabase> | undefined;
  // The same database for the worker's statements per job, which it prepares (prepared-client.ts).
  let perJob: SqlClient | undefined;
  function database(): Promise<SqlDatabase> {
    setup ??= (async () => {
      const client = options.db ?? (boss.getDb() as { pool?: unknown } | undefined)?.pool;
      const db = toSqlDatabase(client);
      perJob = preparedClient(client as SqlClient);
      await db.query(ensureEventLogStatement(tables, isPglite(client)));
      await boss.createQueue(deadLetterQueue);
      await boss.createQueue(queue, jobOptions);
      return db;
    })().catch((error: unknown) => {
      setup = undefined;
      throw error;
    });
    return setup;
  }
  const rows = async <T>(text: string, params: unknown[], client?: SqlClient): Promise<T[]> => ((await (client ?? (await database())).query(text, params)).rows as T[]);
  const sendJob = (eventId: string, generation: number, tx: SqlClient, startAfter?: Date) =>
    boss.send(queue, { eventId, generation }, { ...jobOptions, ...(startAfter ? { startAfter } : {}), db: engineConnection(tx) });

  async function requeue(ids: readonly string[], includeDone: boolean): Promise<number> {
    const db = await database();
    return db.transaction(async (tx) => {
      const requeued = await rows<{ event_id: string; generation: number }>(sql.requeue, [ids, includeDone], tx);
      for (const row of requeued) await sendJob(row.event_id, Number(row.generation), tx);
      return requeued.length;
    });
  }

  const inbox: InboxEngine = {
    engine: 'pg-boss',
    queue,
    leaseMs,
    ordering,

    async enqueue(event, enqueueOptions) {
      const fields = eventLogFields(event);
      const db = await database();
      const values = [fields.id, fields.type, fields.objectId ?? null, fields.orderId ?? null, fields.created, fields.payload, enqueueOptions?.traceContext ?? null];
      return db.transaction(async (tx) => {
        const inserted = await rows(sql.insert, values, tx);
        if (inserted.length === 0) return 'duplicate';
        await sendJob(fields.id, 0, tx);
        return 'queued';
      });
    },

    async consume({ concurrency, onDead }, run) {
      const db = await database();
      jobs ??= jobStatements(db, schema, queue, tables, ordering === 'none').catch((error: unknown) => {
        jobs = undefined;
        throw error;
      });
      const pollingSeconds = options.pollingIntervalSeconds ?? 2;
      const worker = startJobWorker(
        {
          db: perJob ?? db,
          statements: await jobs,
          queue,
          leaseMs,
          claims: ordering === 'none',
          slots: concurrency,
          pollingMs: pollingSeconds * 1000,
          held,
          fail: (id, error) => boss.fail(queue, id, error as object),
          onError: reportToEngine(boss),
        },
        run,
      );
      // pg-boss moves a job here when its retries ran out, including when its last worker died
      // before reporting: the event is then marked dead so that nothing stays `processing`.
      const deadId = await boss.work(deadLetterQueue, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: pollingSeconds }, (async (jobs: JobRow[]) => {
        for (const job of jobs) {
          const dead = await markDead(jobEvent(job));
          if (dead) onDead?.({ id: dead.event_id, type: dead.type });
        }
      }));
      return { stop: async () => void (await Promise.all([worker.stop(), offWork(deadId)])) };
    },

    claim: async (eventId, token) => claimEvent(await database(), sql, { ordering, leaseMs }, eventId, token),

    async settle(eventId, token, settlement) {
      const outcome = [eventId, token, settlement.status, JSON.stringify(attemptOutcome(settlement))];
      // A job that ends here is completed in the same statement; a failed one goes to pg-boss's retries.
      const job = settlement.status === 'done' || settlement.status === 'discarded' ? held.get(token) : undefined;
      const db = await database();
      const [row] = await rows<{ settled: number }>(job ? (await jobs!).settleAndComplete : sql.settle, job ? [...outcome, queue, job.id] : outcome, perJob ?? db);
      const settled = Number(row?.settled ?? 0) === 1;
      if (job && settled) job.completed = true;
      return settled;
    },

    ...(options.transactional === true
      ? {
          async completeInTransaction(
            { eventId }: InboxDelivery,
            token: string,
            handlers: (db: TransactionClient) => Promise<void>,
            durationMs: () => number,
            signal?: AbortSignal,
          ) {
            const db = await database();
            // The runner postgresStore uses: ctx.db refuses queries once the handlers settled, and
            // an abort (a timeout, a stop) rolls back at once.
            const job = held.get(token);
            const markDone = async (tx: SqlClient) => {
              const outcome = [eventId, token, 'done', JSON.stringify({ durationMs: durationMs() })];
              // The job too, in the same statement and transaction: a crash before COMMIT leaves it
              // active, so pg-boss redelivers it once it expires; after COMMIT it is completed with
              // the event.
              const [row] = await rows<{ settled: number }>(job ? (await jobs!).settleAndComplete : sql.settle, job ? [...outcome, queue, job.id] : outcome, tx);
              // Rolls the handlers' writes back: another worker took the event over.
              if (Number(row?.settled ?? 0) !== 1) throw new InboxLeaseLostError(eventId, leaseMs);
            };
            return db.runner.run(handlers, markDone, signal).then(
              () => {
                if (job) job.completed = true;
                return true;
              },
              (error: unknown) => {
                if (isLeaseLost(error)) return false;
                throw error;
              },
            );
          },
        }
      : {}),

    async defer({ eventId, generation }, delayMs) {
      const db = await database();
      await sendJob(eventId, generation, db, new Date(Date.now() + delayMs));
    },

    async list(filter) {
      const resolved = resolveFilter(filter);
      const query = filterQuery(tables.events, resolved, 'newest', entryColumns, resolved.limit + 1);
      const found = await rows<EntryRow>(query.text, query.params);
      const items = found.slice(0, resolved.limit).map(toEntry);
      const last = found.length > resolved.limit ? found[resolved.limit - 1] : undefined;
      return last ? { items, nextCursor: cursorAfter(last) } : { items };
    },

    async get(eventId) {
      const [row] = await rows<EntryRow & { payload: Stripe.Event | string; attempts: InboxRecord['attempts'] | string }>(sql.get, [eventId]);
      if (!row) return undefined;
      const attempts = typeof row.attempts === 'string' ? (JSON.parse(row.attempts) as InboxRecord['attempts']) : row.attempts;
      return { ...toEntry(row), event: parsePayload(row.payload), attempts };
    },

    async replay({ includeDone = false, ...selection }) {
      if ('ids' in selection) return requeue(selection.ids, includeDone);
      const query = filterQuery(tables.events, resolveFilter({ ...selection, limit: 1000 }), 'oldest', 'event_id', 1_000_000);
      const ids = await rows<{ event_id: string }>(query.text, query.params);
      let total = 0;
      // In batches, so that one replay of thousands of events does not hold one long transaction.
      for (let start = 0; start < ids.length; start += 500) total += await requeue(ids.slice(start, start + 500).map((row) => row.event_id), includeDone);
      return total;
    },

    async purge({ olderThan }) {
      const before = olderThan instanceof Date ? olderThan : new Date(olderThan);
      if (Number.isNaN(before.getTime())) throw new InboxError('invalid_options', 'inbox.purge: olderThan must be a Date or epoch milliseconds.');
      const [row] = await rows<{ purged: number }>(sql.purge, [before]);
      return Number(row?.purged ?? 0);
    },

    async stats() {
      const counts = Object.fromEntries(inboxStatuses.map((status) => [status, 0])) as InboxStats;
      for (const row of await rows<{ status: keyof InboxStats; count: number }>(sql.stats, [])) counts[row.status] = Number(row.count);
      return counts;
    },

    async timeline(timelineOptions) {
      const range = resolveTimeline(timelineOptions);
      const found = await rows<{ bucket: number; received: number; failed: number }>(sql.timeline, [range.since, range.bucketMs, new Date(range.since), new Date(range.until)]);
      return fillTimeline(range, new Map(found.map((row) => [Number(row.bucket), { received: Number(row.received), failed: Number(row.failed) }])));
    },

    health: (healthOptions) => pgBossHealth(tables, healthOptions, (text) => rows(text, [])),

    // The PgBoss instance and the database are the app's to stop.
    close: async () => undefined,
  };

  // Only for the job's own generation: a dead letter from before a replay must not kill the replay.
  // Resolves the event when this marked it (not when a handler's last failure already had).
  async function markDead({ eventId, generation }: { eventId: string; generation: number }) {
    const reason = { error: 'InboxError: the engine gave up on the job (retries exhausted, or the last worker died or outlived the lease before reporting)' };
    const [dead] = await rows<{ event_id: string; type: string }>(sql.markDead, [eventId, JSON.stringify(reason), generation]);
    return dead;
  }

  return inbox;
}
