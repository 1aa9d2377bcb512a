// The engines of row 5 (bench/inbox.ts): for pg-boss on PostgreSQL and BullMQ on Redis, the kit's
// inboxes and, beside them, what a user of the bare engine would run for the same work:
// - the ingress floor: the durable writes the inbox must make per delivery (the event's log entry
//   and its job, committed together where the engine allows), with a bare client;
// - the bare worker: the engine's own worker, with the settings the kit's worker gives it, and a
//   no-op job function;
// - the kept worker: the leanest worker with the kit's guarantees, written by hand with the bare
//   client (every attempt recorded, a lease token, the settle counting only while it holds, the job
//   completed only after the settle): on pg-boss a loop of its own that folds the claim into the
//   fetch and the job's completion into the settle, on BullMQ a lean design of its own
//   (`keptClaim`, `keptSettle`).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type Stripe from 'stripe';
import { bullmqInbox } from 'stripe-webhook-kit/bullmq';
import { insertScript } from '../src/inbox/bullmq/event-log-scripts.js';
import { ensureEventLogStatement, eventLogStatements } from '../src/inbox/pg-boss/event-log-sql.js';
import { pgBossInbox } from 'stripe-webhook-kit/pg-boss';
import type { Inbox } from '../src/inbox/types.js';
import { deleteKeys } from '../test/support/service-cleanup.js';

export const inboxEngines = ['pg-boss', 'bullmq'] as const;
export type InboxEngine = (typeof inboxEngines)[number];

/** One event as the floor gets it: the fields the log stores, and the body text as it arrived. */
export interface FloorEvent {
  id: string;
  type: string;
  objectId: string;
  orderId: string;
  created: number;
  body: string;
}

export interface InboxEngineBench {
  engine: InboxEngine;
  detail: string;
  /** An inbox on its own queue (and log), e.g. `ingress`, `worker`, `slow`. */
  inbox(name: string, options?: { leaseMs?: number }): Inbox;
  floorDetail: string;
  /** Stores one event and its job with the bare client, as durably as the inbox must. */
  floor(event: FloorEvent): Promise<boolean>;
  bareDetail: string;
  /** Adds `count` jobs for the bare worker, untimed. */
  fillBare(count: number): Promise<void>;
  /** Starts the engine's own worker with the kit's settings; `onJob` runs as each job's function. */
  workBare(concurrency: number, onJob: () => void): Promise<() => Promise<void>>;
  keptDetail: string;
  /** Stores these events in the kept worker's log and adds a job for each, untimed. */
  fillKept(events: readonly FloorEvent[]): Promise<void>;
  /** The bare worker of `workBare` whose job function claims and settles its event in the log first. */
  workKept(concurrency: number, onJob: () => void): Promise<() => Promise<void>>;
  /** Statements or commands sent so far: deltas around a run give its round trips. */
  roundTrips(): number;
  close(): Promise<void>;
}

const postgresUrl = process.env.PGURL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// What the kit's workers are given in the bench: pg-boss's smallest polling interval.
const pollingIntervalSeconds = 0.5;
const leaseMs = 60_000;
// The kit's defaults (resolveInboxOptions), so the bare jobs carry the same retry settings.
const retry = { limit: 8, delaySeconds: 10, backoff: true };

export async function openEngine(engine: InboxEngine): Promise<InboxEngineBench> {
  return engine === 'pg-boss' ? openPgBoss() : openBullmq();
}

async function openPgBoss(): Promise<InboxEngineBench> {
  const schema = `swk_inbox_bench_${process.pid}`;
  const boss = new PgBoss({ connectionString: postgresUrl, schema, max: 10, supervise: false, schedule: false });
  boss.on('error', () => undefined);
  await boss.start();
  // The app's pool, shared by the kit's log and (through `{ db }`) the jobs it sends.
  const db = new pg.Pool({ connectionString: postgresUrl, max: 10 });
  db.on('error', () => undefined);
  let statements = 0;
  const query = pg.Client.prototype.query;
  // Every statement of every pg client in this process (the kit's, pg-boss's, the floor's): runs are
  // sequential, so the delta around one run is that run's.
  pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
    statements++;
    return (query as (...inner: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  const { rows } = await db.query<{ server_version: string }>('show server_version');
  const version = rows[0]?.server_version.split(' ')[0] ?? '?';

  const jobOptions = { retryLimit: retry.limit, retryDelay: retry.delaySeconds, retryBackoff: retry.backoff, expireInSeconds: leaseMs / 1000 };
  const floorTables = { events: `${schema}.floor_events`, objects: `${schema}.floor_events_objects`, name: `${schema}.floor_events` };
  await db.query(ensureEventLogStatement(floorTables));
  const floorInsert = eventLogStatements(floorTables).insert;
  const keptTables = { events: `${schema}.kept_events`, objects: `${schema}.kept_events_objects`, name: `${schema}.kept_events` };
  await db.query(ensureEventLogStatement(keptTables));
  const kept = eventLogStatements(keptTables);
  // The leanest worker with the kit's guarantees, by hand: the event's claim (status, lease token,
  // the attempt's start) folded into pg-boss's fetch, and the job's completion into the settle, which
  // counts only while the token holds: two statements per job, as the bare worker makes.
  const keptFetch = `WITH next AS (
  SELECT id FROM ${schema}.job WHERE name = 'kept' AND state < 'active' AND start_after < now() ORDER BY priority DESC, created_on, id LIMIT 1 FOR UPDATE SKIP LOCKED
), job AS (
  UPDATE ${schema}.job j SET state = 'active', started_on = now(), retry_count = CASE WHEN j.started_on IS NOT NULL THEN j.retry_count + 1 ELSE j.retry_count END
  FROM next WHERE j.name = 'kept' AND j.id = next.id RETURNING j.id, j.data
), claimed AS (
  UPDATE ${keptTables.events} e SET status = 'processing', lease_token = $1, lease_until = now() + interval '60 seconds',
    attempts = e.attempts || jsonb_build_array(jsonb_build_object('startedAt', now()))
  FROM job WHERE e.event_id = job.data->>'eventId' AND e.status IN ('queued', 'failed', 'processing') AND NOT (e.status = 'processing' AND e.lease_until > now())
  RETURNING e.event_id, e.payload
)
SELECT job.id, claimed.event_id, claimed.payload FROM job LEFT JOIN claimed ON true`;
  const keptSettle = `WITH settled AS (
  UPDATE ${keptTables.events} SET status = 'done', lease_token = NULL, lease_until = NULL,
    attempts = jsonb_set(attempts, ARRAY[(jsonb_array_length(attempts) - 1)::text], (attempts -> -1) || '{"durationMs":0}'::jsonb)
  WHERE event_id = $1 AND lease_token = $2 RETURNING 1
), completed AS (
  UPDATE ${schema}.job SET state = 'completed', completed_on = now() WHERE name = 'kept' AND id = $3 AND state = 'active' AND EXISTS (SELECT 1 FROM settled)
)
SELECT count(*)::int AS settled FROM settled`;
  await boss.createQueue('floor__dead');
  // As the kit creates its queue: the job settings are the queue's too.
  for (const name of ['floor', 'bare', 'kept']) await boss.createQueue(name, { name, ...jobOptions, deadLetter: 'floor__dead' } as never);
  const work = async (queue: string, concurrency: number, onJob: (job: { data: { eventId: string } }) => Promise<void>) => {
    const ids: string[] = [];
    const options = { batchSize: 1, includeMetadata: true, pollingIntervalSeconds };
    for (let slot = 0; slot < concurrency; slot++) {
      let id = '';
      id = await boss.work<{ eventId: string }>(queue, options, async (jobs) => {
        for (const job of jobs) await onJob(job);
        if (jobs.length > 0) boss.notifyWorker(id);
      });
      ids.push(id);
    }
    return async () => {
      for (const id of ids) await boss.offWork({ id } as never);
    };
  };

  return {
    engine: 'pg-boss',
    detail: `pg-boss ${packageVersion('pg-boss')}, pg Pool (max 10), PostgreSQL ${version}`,
    inbox: (name, options) => pgBossInbox(boss, { db, table: `${schema}.${name}_events`, queue: name, pollingIntervalSeconds, leaseMs: options?.leaseMs ?? leaseMs }),
    floorDetail: 'BEGIN, the log\'s INSERT ... ON CONFLICT DO NOTHING, boss.send({ db }), COMMIT on one pooled connection',
    async floor(event) {
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        const inserted = await client.query(floorInsert, [event.id, event.type, event.objectId, event.orderId, event.created, event.body, null]);
        const job = inserted.rowCount === 1 ? await boss.send('floor', { eventId: event.id, generation: 0 }, { ...jobOptions, deadLetter: 'floor__dead', db: { executeSql: (text: string, values: unknown[]) => client.query(text, values) } }) : null;
        await client.query('COMMIT');
        client.release();
        return job !== null;
      } catch (error) {
        // Never back to the pool inside a transaction: the next user's statements would join it.
        client.release(error as Error);
        throw error;
      }
    },
    bareDetail: `boss.work() with the kit's worker settings: batchSize 1, pollingIntervalSeconds ${pollingIntervalSeconds}, one registration per slot, notifyWorker after a job (a slot fetches again at once, as the kit's do), the queue's retry, expiry and dead letter`,
    async fillBare(count) {
      for (let start = 0; start < count; start += 1000) {
        const jobs = Array.from({ length: Math.min(1000, count - start) }, (_, index) => ({ name: 'bare', data: { eventId: `evt_bare_${start + index}`, generation: 0 }, ...jobOptions }));
        await boss.insert(jobs);
      }
    },
    workBare: (concurrency, onJob) => work('bare', concurrency, async () => onJob()),
    keptDetail: "by hand, one loop per slot as the bare worker's (polling every 0.5 s when idle): pg-boss's fetch with the log's claim folded in (one statement: the job active, the event leased to a token, the attempt's start recorded, its payload returned), then the settle with the job's completion folded in (one statement, completing the job only if the token still held the event)",
    async fillKept(events) {
      for (const event of events) await db.query(kept.insert, [event.id, event.type, event.objectId, event.orderId, event.created, event.body, null]);
      await boss.insert(events.map((event) => ({ name: 'kept', data: { eventId: event.id, generation: 0 }, ...jobOptions })));
    },
    async workKept(concurrency, onJob) {
      let stopping = false;
      const slot = async () => {
        while (!stopping) {
          const token = randomUUID();
          const { rows: [job] } = await db.query<{ id: string; event_id: string | null }>(keptFetch, [token]);
          if (!job) await new Promise((resolve) => setTimeout(resolve, pollingIntervalSeconds * 1000));
          else if (job.event_id !== null) {
            await db.query(keptSettle, [job.event_id, token, job.id]);
            onJob();
          }
        }
      };
      const slots = Array.from({ length: concurrency }, slot);
      return async () => {
        stopping = true;
        await Promise.all(slots);
      };
    },
    roundTrips: () => statements,
    async close() {
      pg.Client.prototype.query = query;
      await boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await db.end();
    },
  };
}

async function openBullmq(): Promise<InboxEngineBench> {
  const { Queue, Worker } = await import('bullmq');
  const prefix = `swk-inbox-bench-${process.pid}`;
  // One connection, as the kit's docs show (BullMQ's Queue shares it; workers duplicate it).
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const version = /redis_version:(\S+)/.exec(await connection.info('server'))?.[1] ?? '?';
  let commands = 0;
  const sendCommand = connection.sendCommand.bind(connection);
  connection.sendCommand = ((...args: Parameters<typeof sendCommand>) => {
    commands++;
    return sendCommand(...args);
  }) as typeof sendCommand;

  const attempts = retry.limit + 1;
  const jobOptions = { attempts, backoff: { type: 'exponential', delay: retry.delaySeconds * 1000 }, removeOnComplete: true, removeOnFail: 10_000 };
  const floorQueue = new Queue('floor', { connection, prefix });
  const bareQueue = new Queue('bare', { connection, prefix });
  const keptQueue = new Queue('kept', { connection, prefix });
  const floorBase = `${prefix}:floor:inbox`;
  const keptBase = `${prefix}:kept`;
  const insertSha = (await connection.script('LOAD', insertScript)) as string;
  // The worker by hand keeps each event in a hash of its own design (payload, status, token), its
  // lease in a key that expires, and its attempts in a list, with two scripts of its own.
  const keptClaimSha = (await connection.script('LOAD', keptClaim)) as string;
  const work = async (queue: string, concurrency: number, onJob: (job: { data: { eventId: string } }) => Promise<void>, ready?: (worker: { getBackend(): unknown }) => Promise<void>) => {
    const worker = new Worker(queue, onJob, { connection, prefix, concurrency, lockDuration: leaseMs, stalledInterval: Math.min(30_000, leaseMs), maxStalledCount: attempts });
    worker.on('error', () => undefined);
    await worker.waitUntilReady();
    await ready?.(worker);
    return () => worker.close();
  };
  const opened: Inbox[] = [];

  return {
    engine: 'bullmq',
    detail: `BullMQ ${packageVersion('bullmq')}, ioredis, Redis ${version}`,
    inbox(name, options) {
      const inbox = bullmqInbox({ connection, prefix, queue: name, leaseMs: options?.leaseMs ?? leaseMs });
      opened.push(inbox);
      return inbox;
    },
    floorDetail: 'the log\'s insert script (EVALSHA), then Queue.add() with the inbox\'s job id and options',
    async floor(event) {
      const [stored] = (await connection.evalsha(insertSha, 0, floorBase, event.id, event.type, event.objectId, event.created, event.body, event.orderId, '')) as [number];
      if (stored !== 1) return false;
      await floorQueue.add('stripe-event', { eventId: event.id, generation: 0 }, { ...jobOptions, jobId: `${event.id}.g0` });
      return true;
    },
    bareDetail: 'new Worker() as the kit makes it: concurrency, lockDuration = leaseMs, stalledInterval, maxStalledCount',
    async fillBare(count) {
      for (let start = 0; start < count; start += 1000) {
        await bareQueue.addBulk(Array.from({ length: Math.min(1000, count - start) }, (_, index) => ({ name: 'stripe-event', data: { eventId: `evt_bare_${start + index}`, generation: 0 }, opts: jobOptions })));
      }
    },
    workBare: (concurrency, onJob) => work('bare', concurrency, async () => onJob()),
    keptDetail:
      'the bare worker, whose job function claims its event with a lean script of its own (SET NX PX of a lease under a random token, the attempt appended with RPUSH, the payload returned and parsed) and settles it with another (status and outcome written only while GET of the lease still answers the token), sent with its text (EVAL, which a lost script cache cannot turn into a second command after the completion) on the connection BullMQ completes the job on just before the completion, its writes held to the end of the turn so that both leave in one write: Redis runs the settle first and the job does not wait for its answer (as the kit does)',
    async fillKept(events) {
      const pipeline = connection.pipeline();
      for (const event of events) pipeline.hset(`${keptBase}:e:${event.id}`, 'payload', event.body, 'status', 'queued');
      await pipeline.exec();
      await keptQueue.addBulk(events.map((event) => ({ name: 'stripe-event', data: { eventId: event.id, generation: 0 }, opts: jobOptions })));
    },
    async workKept(concurrency, onJob) {
      // The connection BullMQ completes the jobs on: Redis runs a settle sent there before the
      // job's completion, which follows it at once. A settle that finds the lease lost writes
      // nothing, and the lease's holder settles the event.
      let completesOn = connection;
      const keep = async (job: { data: { eventId: string } }) => {
        const token = randomUUID();
        const id = job.data.eventId;
        const keys = [`${keptBase}:e:${id}`, `${keptBase}:lease:${id}`, `${keptBase}:a:${id}`];
        const payload = (await connection.evalsha(keptClaimSha, 3, ...keys, token, leaseMs)) as string | null;
        if (payload !== null) {
          JSON.parse(payload);
          // Held to the end of this turn, as the kit holds it: the settle and the completion that
          // follows it leave in one write.
          const socket = (completesOn as { stream?: { cork(): void; uncork(): void } }).stream;
          socket?.cork();
          if (socket) process.nextTick(() => socket.uncork());
          void completesOn.eval(keptSettle, 3, ...keys, token, 'done', '0').catch(() => undefined);
        }
        onJob();
      };
      return work('kept', concurrency, keep, async (worker) => {
        completesOn = await (worker.getBackend() as { client: Promise<Redis> }).client;
      });
    },
    roundTrips: () => commands,
    async close() {
      for (const inbox of opened) await inbox.close().catch(() => undefined);
      await floorQueue.close();
      await bareQueue.close();
      await keptQueue.close();
      await deleteKeys(connection, prefix);
      await connection.quit();
    },
  };
}

// KEYS: the event's hash, its lease, its attempts. ARGV: token, leaseMs. The payload, or nil when
// the event is settled or another worker holds its lease.
const keptClaim = `local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'queued' and status ~= 'processing' and status ~= 'failed' then return nil end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return nil end
local t = redis.call('TIME')
redis.call('RPUSH', KEYS[3], t[1] .. string.format('%03d', math.floor(t[2] / 1000)))
redis.call('HSET', KEYS[1], 'status', 'processing')
return redis.call('HGET', KEYS[1], 'payload')`;

// KEYS: as the claim's. ARGV: token, status, durationMs. 1 once recorded, 0 when the lease is not the token's.
const keptSettle = `if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('LSET', KEYS[3], -1, redis.call('LINDEX', KEYS[3], -1) .. ' ' .. ARGV[2] .. ' ' .. ARGV[3])
redis.call('HSET', KEYS[1], 'status', ARGV[2])
redis.call('DEL', KEYS[2])
return 1`;

/** The floor's view of an event: what the log stores, from the body as it arrived. */
export function floorEvent(event: Stripe.Event, body: string): FloorEvent {
  const object = event.data.object as { id?: string; metadata?: Record<string, string> | null };
  return { id: event.id, type: event.type, objectId: object.id ?? '', orderId: object.metadata?.orderId ?? '', created: event.created, body };
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
}
