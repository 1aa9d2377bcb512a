import type Stripe from 'stripe';
import { parseTableName } from '../../stores/postgres/table-name.js';
import { InboxError, InboxLeaseLostError, isLeaseLost } from '../inbox-error.js';
import { attemptOutcome, fillTimeline, resolveFilter, resolveTimeline } from '../list-filter.js';
import { eventLogFields } from '../inbox-event.js';
import { resolveInboxOptions } from '../resolve-inbox-options.js';
import type { Inbox, InboxOptions, InboxRecord, InboxStats } from '../types.js';
import type { InboxClaim, InboxDelivery, InboxEngine } from '../engine.js';
import type { TransactionClient } from '../../types.js';
import { inboxStatuses } from '../types.js';
import { claimed, jobEvent, toEntry, parsePayload, type ClaimedRow, type ClaimRow, type EntryRow, type JobRow } from './event-log-rows.js';
import { ensureEventLogStatement, eventLogStatements, type EventLogTables } from './event-log-sql.js';
import { cursorAfter, entryColumns, filterQuery } from './list-query.js';
import { pgBossHealth } from './health-sql.js';
import { engineConnection, toSqlDatabase, type SqlClient, type SqlDatabase } from './sql-client.js';

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
  /** pg-boss `notifyWorker`: ends a worker's polling pause, so it fetches again at once. */
  notifyWorker?(workerId: string): void;
  /** pg-boss `complete` (with `{ db }`: inside the transaction that marks the event done). */
  complete?(name: string, id: string, data?: object, options?: object): Promise<unknown>;
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
  if (typeof boss?.send !== 'function' || typeof boss.work !== 'function') {
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
  const offWork = (id: string) => ('findJobs' in boss ? boss.offWork(queue, { id, wait: true }) : boss.offWork({ id }));

  let setup: Promise<SqlDatabase> | undefined;
  function database(): Promise<SqlDatabase> {
    setup ??= (async () => {
      const db = toSqlDatabase(options.db ?? (boss.getDb() as { pool?: unknown } | undefined)?.pool);
      await db.query(ensureEventLogStatement(tables));
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
      await database();
      const work = { batchSize: 1, includeMetadata: true, ...(options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {}) };
      const runJobs = async (jobs: JobRow[]) => {
        for (const job of jobs) {
          await run({ ...jobEvent(job), lastAttempt: job.retryCount >= job.retryLimit, ...(options.transactional === true && job.id !== undefined && { jobId: job.id }) });
        }
      };
      const ids: string[] = [];
      for (let index = 0; index < concurrency; index++) {
        let id = '';
        id = await boss.work(queue, work, async (jobs: JobRow[]) => {
          await runJobs(jobs);
          // pg-boss 10 waits out the polling interval after every fetch, even one that found a job:
          // a registration would then run at most one job per interval (2/s at the smallest, 0.5 s).
          // After a job it fetches again at once, so a backlog drains at the database's speed; an
          // empty fetch still waits (pg-boss 12 does the same with its own burst mode).
          if (jobs.length > 0) boss.notifyWorker?.(id);
        });
        ids.push(id);
      }
      // pg-boss moves a job here when its retries ran out, including when its last worker died
      // before reporting: the event is then marked dead so that nothing stays `processing`.
      ids.push(await boss.work(deadLetterQueue, work, (async (jobs: JobRow[]) => {
        for (const job of jobs) {
          const dead = await markDead(jobEvent(job));
          if (dead) onDead?.({ id: dead.event_id, type: dead.type });
        }
      })));
      return { stop: async () => void (await Promise.all(ids.map(offWork))) };
    },

    async claim(eventId, token): Promise<InboxClaim> {
      const db = await database();
      if (ordering === 'none') {
        // One round trip in the common case, instead of a checked-out connection and four.
        const [row] = await rows<ClaimedRow>(sql.claimFree, [eventId, token, leaseMs], db);
        if (row) return claimed(row, false, row.started_at);
        const [found] = await rows<ClaimRow>(sql.readEvent, [eventId], db);
        if (!found) return { state: 'missing' };
        if (found.status === 'done' || found.status === 'discarded' || found.status === 'dead') return { state: 'settled' };
        // Held by a worker, or freed between the two statements: either way, try again shortly.
        return { state: 'busy', retryInMs: found.status === 'processing' && found.leased === true ? (found.lease_left_ms ?? 0) + 100 : 100 };
      }
      return db.transaction(async (tx) => {
        const [row] = await rows<ClaimRow>(
          sql.lockEvent,
          [eventId],
          tx,
        );
        if (!row) return { state: 'missing' };
        if (row.status === 'done' || row.status === 'discarded' || row.status === 'dead') return { state: 'settled' };
        if (row.status === 'processing' && row.leased === true) return { state: 'busy', retryInMs: (row.lease_left_ms ?? 0) + 100 };
        let stale = false;
        if (ordering === 'per-object' && row.object_id !== null) {
          const [object] = await rows<{ done_created: string }>(sql.lockObject, [row.object_id, eventId, leaseMs, row.created], tx);
          if (!object) return { state: 'busy', retryInMs: 200 + Math.floor(Math.random() * 300) };
          stale = Number(row.created) < Number(object.done_created);
        }
        const [started] = await rows<{ started_at: Date | string }>(sql.claim, [eventId, token, leaseMs], tx);
        return claimed(row, stale, started?.started_at);
      });
    },

    async settle(eventId, token, settlement) {
      const [row] = await rows<{ settled: number }>(sql.settle, [eventId, token, settlement.status, JSON.stringify(attemptOutcome(settlement))]);
      return Number(row?.settled ?? 0) === 1;
    },

    ...(options.transactional === true
      ? {
          async completeInTransaction(
            { eventId, jobId }: InboxDelivery,
            token: string,
            handlers: (db: TransactionClient) => Promise<void>,
            durationMs: () => number,
            signal?: AbortSignal,
          ) {
            const db = await database();
            // The runner postgresStore uses: ctx.db refuses queries once the handlers settled, and
            // an abort (a timeout, a stop) rolls back at once.
            const markDone = async (tx: SqlClient) => {
              const [row] = await rows<{ settled: number }>(sql.settle, [eventId, token, 'done', JSON.stringify({ durationMs: durationMs() })], tx);
              // Rolls the handlers' writes back: another worker took the event over.
              if (Number(row?.settled ?? 0) !== 1) throw new InboxLeaseLostError(eventId, leaseMs);
              // The job too, in the same transaction (pg-boss 10+ take `{ db }`): a crash before
              // COMMIT leaves it active, so pg-boss redelivers it once it expires; after COMMIT it
              // is completed with the event. pg-boss's own completion after the handler returns
              // then finds it no longer active and changes nothing.
              if (jobId !== undefined && typeof boss.complete === 'function') {
                await boss.complete(queue, jobId, { eventId, status: 'done' }, { db: engineConnection(tx) });
              }
            };
            return db.runner.run(handlers, markDone, signal).then(
              () => true,
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
