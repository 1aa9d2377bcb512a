import type * as BullMQ from 'bullmq';
import type { Job, Queue } from 'bullmq';
import type Stripe from 'stripe';
import { InboxError } from '../inbox-error.js';
import { attemptOutcome, resolveFilter, type ResolvedFilter } from '../list-filter.js';
import { eventLogFields } from '../inbox-event.js';
import { resolveInboxOptions } from '../resolve-inbox-options.js';
import type { Inbox, InboxClaim, InboxEntry, InboxOptions, InboxStats } from '../types.js';
import { inboxStatuses } from '../types.js';
import { claimScript, insertScript, markDeadScript, purgeScript, requeueScript, settleScript } from './event-log-scripts.js';

/** An ioredis client: BullMQ's own connection type, and the one the event log's scripts run on. */
export interface RedisLike {
  /** ioredis `eval`: runs the event log's Lua scripts. */
  eval(script: string, numberOfKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

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
  const attempts = retry.limit + 1;
  const backoff = { type: retry.backoff ? 'exponential' : 'fixed', delay: retry.delaySeconds * 1000 };
  const script = (text: string, ...args: Array<string | number>) => redis.eval(text, 0, base, ...args);

  // The job id names the event and its generation, so BullMQ itself refuses a second job for one
  // arrival (two concurrent deliveries, a retried enqueue); a deferred run needs an id of its own.
  const addJob = async (eventId: string, generation: number, delay = 0, suffix = '') =>
    (await openQueue()).add('stripe-event', { eventId, generation }, { jobId: `${eventId}.g${generation}${suffix}`, attempts, backoff, delay, removeOnComplete: true, removeOnFail: 10_000 });

  async function hgetall(key: string): Promise<Record<string, string>> {
    const flat = (await redis.eval(`return redis.call('HGETALL', KEYS[1])`, 1, key)) as string[];
    const hash: Record<string, string> = {};
    for (let index = 0; index + 1 < flat.length; index += 2) hash[flat[index] as string] = flat[index + 1] as string;
    return hash;
  }
  const newest = async (max: string) =>
    (await redis.eval(`return redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'LIMIT', 0, 200)`, 1, `${base}:all`, max)) as string[];

  async function markEnqueued(eventId: string) {
    await redis.eval(`redis.call('HSET', KEYS[1], 'enqueued', 1)`, 1, `${base}:e:${eventId}`);
  }
  async function markDead(job: Job<JobData> | undefined, error: Error) {
    if (!job) return;
    const reason = { error: `InboxError: the engine gave up on the job (${error.message})` };
    await script(markDeadScript, job.data.eventId, String(job.data.generation), JSON.stringify(reason));
  }

  const inbox: Inbox = {
    engine: 'bullmq',
    queue: queueName,
    leaseMs,
    ordering,

    async enqueue(event) {
      const fields = eventLogFields(event);
      const [stored, enqueued] = (await script(insertScript, fields.id, fields.type, fields.objectId ?? '', fields.created, fields.payload)) as [number, number];
      // Stored by an ingress that died before adding the job (so it never answered 200): add it now.
      if (stored === 0 && enqueued === 1) return 'duplicate';
      await addJob(fields.id, 0);
      await markEnqueued(fields.id);
      return stored === 1 ? 'queued' : 'duplicate';
    },

    async consume({ concurrency }, run) {
      const { Worker } = await loadBullmq();
      const worker = new Worker<JobData>(
        queueName,
        async (job) => run({ eventId: job.data.eventId, generation: job.data.generation, lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) }),
        // BullMQ's lock is the job's lease: renewed while the worker lives, lost when it dies.
        { connection: redis, prefix, concurrency, lockDuration: leaseMs, stalledInterval: Math.min(30_000, leaseMs), maxStalledCount: attempts },
      );
      worker.on('failed', (job, error) => {
        if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void markDead(job, error).catch(() => undefined);
        else if (job && /stalled/i.test(error.message)) void markDead(job, error).catch(() => undefined);
      });
      worker.on('error', () => undefined);
      await worker.waitUntilReady();
      return { stop: () => worker.close() };
    },

    async claim(eventId, token): Promise<InboxClaim> {
      const [state, value, stale] = (await script(claimScript, eventId, token, leaseMs, ordering === 'per-object' ? '1' : '0')) as [string, string | number, number];
      if (state === 'missing' || state === 'settled') return { state };
      if (state === 'busy') return { state, retryInMs: Number(value) };
      return { state: 'claimed', event: JSON.parse(String(value)) as Stripe.Event, stale: stale === 1, startedAt: new Date() };
    },

    async settle(eventId, token, settlement) {
      return (await script(settleScript, eventId, token, settlement.status, JSON.stringify(attemptOutcome(settlement)))) === 1;
    },

    async defer({ eventId, generation }, delayMs) {
      await addJob(eventId, generation, delayMs, `.d${globalThis.crypto.randomUUID()}`);
    },

    async list(filter) {
      const resolved = resolveFilter(filter);
      const items: Array<InboxEntry & { seq: number }> = [];
      await scan(resolved, (entry) => items.push(entry) <= resolved.limit);
      const page = items.slice(0, resolved.limit).map(({ seq: _seq, ...entry }) => entry);
      return items.length > resolved.limit ? { items: page, nextCursor: String(items[resolved.limit - 1]!.seq) } : { items: page };
    },

    async get(eventId) {
      const hash = await hgetall(`${base}:e:${eventId}`);
      if (!hash.status) return undefined;
      const { seq: _seq, ...entry } = toEntry(eventId, hash);
      return { ...entry, event: JSON.parse(hash.payload ?? '{}') as Stripe.Event, attempts: parseAttempts(hash.attempts) };
    },

    async replay(selection) {
      const ids: string[] = [];
      if ('ids' in selection) ids.push(...selection.ids);
      else await scan(resolveFilter({ ...selection, limit: 1000 }), (entry) => ids.push(entry.id) > 0);
      let total = 0;
      for (const id of ids) {
        const generation = Number(await script(requeueScript, id));
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

    async stats() {
      const counts = Object.fromEntries(inboxStatuses.map((status) => [status, 0])) as InboxStats;
      const stored = await hgetall(`${base}:counts`);
      for (const status of inboxStatuses) counts[status] = Math.max(0, Number(stored[status] ?? 0));
      return counts;
    },

    close: async () => {
      if (opened) await (await opened).close();
    },
  };

  /** Walks the log newest first, in batches, until `take` answers false or the log ends. */
  async function scan(filter: ResolvedFilter, take: (entry: InboxEntry & { seq: number }) => boolean) {
    let max: string = filter.after === undefined ? '+inf' : `(${filter.after}`;
    for (;;) {
      const ids = await newest(max);
      if (ids.length === 0) return;
      for (const id of ids) {
        const hash = await hgetall(`${base}:e:${id}`);
        if (!hash.status) continue;
        const entry = toEntry(id, hash);
        max = `(${entry.seq}`;
        if (matches(entry, filter) && !take(entry)) return;
      }
    }
  }

  return inbox;
}

function toEntry(id: string, hash: Record<string, string>): InboxEntry & { seq: number } {
  return {
    id,
    type: hash.type as InboxEntry['type'],
    status: hash.status as InboxEntry['status'],
    objectId: hash.object ? hash.object : undefined,
    created: Number(hash.created),
    receivedAt: new Date(Number(hash.receivedAt)).toISOString(),
    updatedAt: new Date(Number(hash.updatedAt)).toISOString(),
    attemptCount: parseAttempts(hash.attempts).length,
    seq: Number(hash.seq),
  };
}

function parseAttempts(text: string | undefined) {
  // cjson encodes an empty Lua table as {}, not [].
  const parsed = JSON.parse(text ?? '[]') as unknown;
  const attempts = Array.isArray(parsed) ? (parsed as Array<{ startedAt: number | string; durationMs?: number; error?: string; stack?: string }>) : [];
  return attempts.map((attempt) => ({ ...attempt, startedAt: new Date(Number(attempt.startedAt)).toISOString() }));
}

function matches(entry: InboxEntry, filter: ResolvedFilter): boolean {
  const received = Date.parse(entry.receivedAt);
  return (
    (filter.statuses === undefined || filter.statuses.includes(entry.status)) &&
    (filter.type === undefined || entry.type === filter.type) &&
    (filter.objectId === undefined || entry.objectId === filter.objectId) &&
    (filter.since === undefined || received >= filter.since.getTime()) &&
    (filter.until === undefined || received < filter.until.getTime())
  );
}
