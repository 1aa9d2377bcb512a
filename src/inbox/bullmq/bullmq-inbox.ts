import type * as BullMQ from 'bullmq';
import type { Job, Queue } from 'bullmq';
import type Stripe from 'stripe';
import { timedOut, withinDeadline } from '../../processing/deadline.js';
import { claimToken } from '../../processing/store-calls.js';
import { InboxError } from '../inbox-error.js';
import { attemptOutcome, fillTimeline, invalidCursor, resolveFilter, resolveTimeline, type ResolvedFilter } from '../list-filter.js';
import { eventLogFields } from '../inbox-event.js';
import { resolveInboxOptions } from '../resolve-inbox-options.js';
import type { Inbox, InboxEntry, InboxOptions, InboxStats } from '../types.js';
import type { InboxClaim, InboxEngine } from '../engine.js';
import { inboxStatuses } from '../types.js';
import { claimScript, countsScript, insertScript, markDeadScript, purgeScript, requeueScript, settleScript } from './event-log-scripts.js';
import { eventScript, listPageScript, timelineScript } from './list-scripts.js';
import { bullmqHealth } from './health-script.js';
import { holdWrites, jobConnection } from './job-connection.js';
import { runScript, type RedisLike } from './run-script.js';

export interface BullmqInboxOptions extends InboxOptions {
  /** An ioredis instance made with `{ maxRetriesPerRequest: null }` (BullMQ's requirement for workers). */
  connection: RedisLike;
  /** BullMQ's key prefix. Default `bull`. */
  prefix?: string;
}

interface JobData {
  eventId: string;
  generation: number;
}

/**
 * A durable inbox on BullMQ (Redis). The ingress stores the event in the kit's log and adds its job;
 * BullMQ distributes the jobs, retries them with backoff, and keeps the failed ones.
 *
 * @example
 * const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
 * const inbox = bullmqInbox({ connection, retry: { limit: 8, delaySeconds: 10 } });
 */
export function bullmqInbox(options: BullmqInboxOptions): Inbox {
  const redis = options?.connection;
  if (typeof redis?.eval !== 'function') {
    throw new InboxError('invalid_options', 'bullmqInbox: `connection` must be an ioredis instance: new Redis(url, { maxRetriesPerRequest: null }).');
  }
  const { queue: queueName, retry, ordering, leaseMs } = resolveInboxOptions('bullmqInbox', options);
  const prefix = options.prefix ?? 'bull';
  const base = `${prefix}:${queueName}:inbox`;
  // Loaded on first use, so that the subpath (and the CLI) load without bullmq installed.
  let bullmq: Promise<typeof BullMQ> | undefined;
  const loadBullmq = () =>
    (bullmq ??= import('bullmq').catch((error: unknown) => {
      bullmq = undefined;
      throw new InboxError('invalid_options', 'bullmqInbox: cannot load bullmq; install it with `npm install bullmq`.', { cause: error });
    }));
  let opened: Promise<Queue<JobData>> | undefined;
  const openQueue = () =>
    (opened ??= loadBullmq().then(({ Queue }) => {
      const queue = new Queue<JobData>(queueName, { connection: redis, prefix });
      // Failures reach the caller of enqueue() and replay(); the queue's own report would only repeat them.
      queue.on('error', () => undefined);
      return queue;
    }));
  // Opened now, not by the first delivery: loading bullmq counts against that delivery's storeTimeoutMs.
  openQueue().catch(() => undefined);
  const attempts = retry.limit + 1;
  const backoff = { type: retry.backoff ? 'exponential' : 'fixed', delay: retry.delaySeconds * 1000 };
  const script = (text: string, ...args: Array<string | number>) => runScript(redis, text, base, ...args);

  // The job id names the event and its generation, so BullMQ itself refuses a second job for one
  // arrival (two concurrent deliveries, a retried enqueue); a deferred run needs an id of its own.
  const addJob = async (eventId: string, generation: number, delay = 0, suffix = '') =>
    (await openQueue()).add('stripe-event', { eventId, generation }, { jobId: `${eventId}.g${generation}${suffix}`, attempts, backoff, delay, removeOnComplete: true, removeOnFail: 10_000 });

  // The jobs this process's workers run, by the token their event is claimed with, and the
  // connection BullMQ completes each on; and the settles sent ahead of those completions.
  const runningJobs = new Map<string, { job: JobData; connection: RedisLike | undefined }>();
  const settling = new Set<Promise<void>>();
  /**
   * Sends a settle ahead of the job's completion, on the connection BullMQ completes the job on,
   * so that the worker need not wait for its answer (job-connection.ts): Redis runs it first.
   * Answered 0, the token no longer held the event, which another job then holds (or a replay's,
   * or the event is dead): nothing was written, and that job settles it. Failed, the event may be
   * left leased with its job completed: a job of the same generation runs it again once the lease
   * ends, as if this worker had died. Sent with its text (EVAL), never by its hash: a server that
   * lost its script cache (a restart) would answer NOSCRIPT, and the text sent again would then
   * run after the completion, leaving a window where the job is gone and the event not settled.
   */
  function settleAhead(connection: RedisLike, job: JobData, args: Array<string | number>) {
    holdWrites(connection);
    const answered: Promise<void> = connection.eval(settleScript, 0, base, ...args).then(
      () => undefined,
      () => addJob(job.eventId, job.generation, leaseMs, `.s${globalThis.crypto.randomUUID()}`).then(() => undefined, () => undefined),
    );
    settling.add(answered);
    void answered.then(() => settling.delete(answered));
  }

  async function markEnqueued(eventId: string) {
    await redis.eval(`redis.call('HSET', KEYS[1], 'enqueued', 1)`, 1, `${base}:e:${eventId}`);
  }
  // Resolves the event when this marked it (not when a handler's last failure already had).
  async function markDead(job: Job<JobData> | undefined, error: Error): Promise<{ id: string; type: string } | undefined> {
    if (!job) return undefined;
    const reason = { error: `InboxError: the engine gave up on the job (${error.message})` };
    const type = (await script(markDeadScript, job.data.eventId, String(job.data.generation), JSON.stringify(reason))) as string | number;
    return typeof type === 'string' ? { id: job.data.eventId, type } : undefined;
  }

  const inbox: InboxEngine = {
    engine: 'bullmq',
    queue: queueName,
    leaseMs,
    ordering,

    async enqueue(event, enqueueOptions) {
      const fields = eventLogFields(event);
      const [stored, enqueued] = (await script(insertScript, fields.id, fields.type, fields.objectId ?? '', fields.created, fields.payload, fields.orderId ?? '', enqueueOptions?.traceContext ?? '')) as [number, number];
      if (stored === 0 && enqueued === 1) return 'duplicate';
      // Two round trips: the log, then the job. A duplicate that arrives before any worker claimed
      // the event adds the job again under the same id, which BullMQ ignores while the job waits;
      // and if the first ingress died before adding it (so it never answered 200), this adds it.
      await addJob(fields.id, 0);
      return stored === 1 ? 'queued' : 'duplicate';
    },

    async consume({ concurrency, onDead }, run) {
      const { Worker } = await loadBullmq();
      // The connection the worker completes its jobs on, known before the first job runs (the
      // worker starts below); undefined where BullMQ does not say, and every settle is awaited.
      let connection: RedisLike | undefined = undefined;
      const worker = new Worker<JobData>(
        queueName,
        async (job) => {
          // Chosen here, so that settle() knows the job it settles and the connection it completes on.
          const token = claimToken();
          runningJobs.set(token, { job: job.data, connection });
          try {
            await run({ eventId: job.data.eventId, generation: job.data.generation, lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1), token });
          } finally {
            runningJobs.delete(token);
          }
        },
        // BullMQ's lock is the job's lease: renewed while the worker lives, lost when it dies.
        { connection: redis, prefix, concurrency, lockDuration: leaseMs, stalledInterval: Math.min(30_000, leaseMs), maxStalledCount: attempts, autorun: false },
      );
      worker.on('failed', (job, error) => {
        if (job && (job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(error.message))) {
          void markDead(job, error).then((dead) => dead && onDead?.(dead), () => undefined);
        }
      });
      worker.on('error', () => undefined);
      await worker.waitUntilReady();
      connection = await jobConnection(worker);
      // Its failures reach the 'error' and 'failed' listeners; the promise ends when it closes.
      worker.run().catch(() => undefined);
      return {
        async stop() {
          const closed = worker.close().then(() => Promise.allSettled(settling));
          // BullMQ's close waits for Redis to answer, and a client made as BullMQ asks
          // (`maxRetriesPerRequest: null`) waits for Redis to come back: during an outage the
          // worker would never stop. Once the connection is down, the close goes on without us
          // (it ends when Redis answers again); the worker fetches nothing more either way.
          while ((await withinDeadline(closed, 200)) === timedOut) {
            if (redis.status !== undefined && redis.status !== 'ready') {
              closed.catch(() => undefined);
              return;
            }
          }
        },
      };
    },

    async claim(eventId, token): Promise<InboxClaim> {
      const claimed = (await script(claimScript, eventId, token, leaseMs, ordering === 'per-object' ? '1' : '0')) as [string, string | number, number, string, number, string];
      const [state, value, stale, receivedAt, attempt, traceContext] = claimed;
      if (state === 'missing' || state === 'settled') return { state };
      if (state === 'busy') return { state, retryInMs: Number(value) };
      return {
        state: 'claimed',
        event: JSON.parse(String(value)) as Stripe.Event,
        stale: stale === 1,
        startedAt: new Date(),
        receivedAt: new Date(Number(receivedAt)),
        attempt: Number(attempt),
        ...(traceContext ? { traceContext } : {}),
      };
    },

    async settle(eventId, token, settlement) {
      const args = [eventId, token, settlement.status, JSON.stringify(attemptOutcome(settlement))];
      const running = runningJobs.get(token);
      // A job that ends done or discarded completes once this resolves: its settle goes ahead.
      if (running?.connection && (settlement.status === 'done' || settlement.status === 'discarded')) {
        settleAhead(running.connection, running.job, args);
        return true;
      }
      return (await script(settleScript, ...args)) === 1;
    },

    async defer({ eventId, generation }, delayMs) {
      await addJob(eventId, generation, delayMs, `.d${globalThis.crypto.randomUUID()}`);
      // A stopping worker defers a job it never claimed; the job it held then completes, and a
      // duplicate delivery must not add it back beside the deferred one.
      await markEnqueued(eventId);
    },

    async list(filter) {
      const resolved = resolveFilter(filter);
      const items: Array<InboxEntry & { seq: number }> = [];
      await scan(resolved, (entry) => items.push(entry) <= resolved.limit, resolved.limit + 1);
      const page = items.slice(0, resolved.limit).map(({ seq: _seq, ...entry }) => entry);
      return items.length > resolved.limit ? { items: page, nextCursor: String(items[resolved.limit - 1]!.seq) } : { items: page };
    },

    async get(eventId) {
      const [flat, attempts] = (await script(eventScript, eventId)) as [string[], string[]];
      const hash = fields(flat);
      if (!hash.status) return undefined;
      const { seq: _seq, ...entry } = toEntry([eventId, hash.type ?? '', hash.status, hash.object ?? '', hash.order ?? '', hash.created ?? '0', hash.receivedAt ?? '0', hash.updatedAt ?? '0', attempts.length, Number(hash.seq)]);
      return { ...entry, event: JSON.parse(hash.payload ?? '{}') as Stripe.Event, attempts: attempts.map(parseAttempt) };
    },

    async replay({ includeDone = false, ...selection }) {
      const ids: string[] = [];
      if ('ids' in selection) ids.push(...selection.ids);
      else await scan(resolveFilter({ ...selection, limit: 1000 }), (entry) => ids.push(entry.id) > 0);
      let total = 0;
      for (const id of ids) {
        const generation = Number(await script(requeueScript, id, includeDone ? '1' : '0'));
        if (generation < 0) continue;
        await addJob(id, generation);
        total++;
      }
      return total;
    },

    async purge({ olderThan }) {
      const before = olderThan instanceof Date ? olderThan.getTime() : olderThan;
      if (!Number.isFinite(before)) throw new InboxError('invalid_options', 'inbox.purge: olderThan must be a Date or epoch milliseconds.');
      const ids: string[] = [];
      await scan(resolveFilter({ status: ['done', 'discarded', 'dead'], until: before, limit: 1000 }), (entry) => ids.push(entry.id) > 0);
      let purged = 0;
      for (const id of ids) purged += Number(await script(purgeScript, id, before));
      return purged;
    },

    async timeline(timelineOptions) {
      const range = resolveTimeline(timelineOptions);
      const flat = (await script(timelineScript, range.since, range.bucketMs, range.buckets, range.until)) as number[];
      const counts = new Map<number, { received: number; failed: number }>();
      for (let index = 0; index < range.buckets; index++) counts.set(index, { received: Number(flat[2 * index]), failed: Number(flat[2 * index + 1]) });
      return fillTimeline(range, counts);
    },

    async stats() {
      const sizes = (await script(countsScript, ...inboxStatuses)) as number[];
      return Object.fromEntries(inboxStatuses.map((status, index) => [status, Number(sizes[index] ?? 0)])) as InboxStats;
    },

    health: (healthOptions) => bullmqHealth(healthOptions, (text) => script(text)),

    close: async () => {
      if (opened) await (await opened).close();
    },
  };

  /** Walks the matching events newest first, a bounded script call at a time, until `take` answers false or none are left. */
  async function scan(filter: ResolvedFilter, take: (entry: InboxEntry & { seq: number }) => boolean, wanted = 500) {
    let before = '';
    if (filter.cursor !== undefined) {
      if (!/^[0-9]+$/.test(filter.cursor)) throw invalidCursor();
      before = filter.cursor;
    }
    const query = JSON.stringify(scriptFilter(filter));
    for (;;) {
      const [rows, next] = (await script(listPageScript, before, wanted, 2000, query)) as [PageRow[], string];
      for (const row of rows) if (!take(toEntry(row))) return;
      if (next === '') return;
      before = next;
    }
  }

  return inbox;
}

/** A row of `listPageScript`. */
type PageRow = [id: string, type: string, status: string, object: string, order: string, created: string, receivedAt: string, updatedAt: string, attempts: number, seq: number];

function toEntry([id, type, status, object, order, created, receivedAt, updatedAt, attempts, seq]: PageRow): InboxEntry & { seq: number } {
  return {
    id,
    type: type as InboxEntry['type'],
    status: status as InboxEntry['status'],
    objectId: object === '' ? undefined : object,
    orderId: order === '' ? undefined : order,
    created: Number(created),
    receivedAt: new Date(Number(receivedAt)).toISOString(),
    updatedAt: new Date(Number(updatedAt)).toISOString(),
    attemptCount: Number(attempts),
    seq: Number(seq),
  };
}

/** A hash as HGETALL flattens it: name, value, name, value. */
function fields(flat: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) hash[flat[index] as string] = flat[index + 1] as string;
  return hash;
}

/** One entry of `<base>:a:<id>`, as the claim wrote it and its settle completed it. */
function parseAttempt(text: string) {
  const attempt = JSON.parse(text) as { startedAt: number; durationMs?: number; error?: string; stack?: string };
  return { ...attempt, startedAt: new Date(attempt.startedAt).toISOString() };
}

// Statuses an operator filters on that few events have at a time; `done` may be most of the log.
const rareStatuses = new Set(['queued', 'processing', 'failed', 'dead', 'discarded']);

/** The filter as `listPageScript` takes it, with the index sets to walk: the narrowest the filter names. */
function scriptFilter(filter: ResolvedFilter) {
  const { statuses, type, objectId, orderId, search } = filter;
  let keys = [':all'];
  if (search !== undefined) keys = [`:io:${search}`, `:or:${search}`];
  else if (orderId !== undefined) keys = [`:or:${orderId}`];
  else if (objectId !== undefined) keys = [`:io:${objectId}`];
  else if (statuses && (type === undefined || statuses.every((status) => rareStatuses.has(status)))) keys = statuses.map((status) => `:s:${status}`);
  else if (type !== undefined) keys = [`:t:${type}`];
  return {
    keys,
    ...(search !== undefined ? { eventId: search, search } : {}),
    ...(statuses ? { statuses } : {}),
    ...(type !== undefined ? { type } : {}),
    ...(objectId !== undefined ? { objectId } : {}),
    ...(orderId !== undefined ? { orderId } : {}),
    ...(filter.since ? { since: filter.since.getTime() } : {}),
    ...(filter.until ? { until: filter.until.getTime() } : {}),
  };
}
