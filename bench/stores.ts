// Row 4: what deduplication costs. Deliveries per second through `createWebhookHandler().handle()`
// at concurrency 64 with no store, the memory store, PGlite, PostgreSQL and Redis, and the store's
// round trips per delivery, counted by wrapping the client's query/command method; and the floors
// of store-floors.ts: bare clients running the statements alone.
import { createWebhookHandler, createWebhookRouter, memoryStore } from 'stripe-webhook-kit';
import type { IdempotencyStore, WebhookHandler } from 'stripe-webhook-kit';
import type { Pool } from 'pg';
import { postgresStore, postgresStoreSchema } from 'stripe-webhook-kit/postgres';
import { redisStore } from 'stripe-webhook-kit/redis';
import { deleteKeys } from '../test/support/service-cleanup.js';
import { openFloor, storeFloors, type StoreFloor } from './store-floors.js';
import { preIssue19PostgresStore } from './pre-19-postgres-store.js';
import { benchSecret, deliveryTemplate, signBody, type DeliveryTemplate } from './payloads.js';
import { collectGarbage, formatRatio, formatSpread, formatTarget, interleave, pairedRatio, summarize, type Summary, type TableData, type Target } from './stats.js';

export interface StoresConfig {
  repetitions: number;
  /** About how long one measurement lasts (its delivery count is set from the warm-up rate). */
  durationSeconds: number;
  concurrency: number;
}

export const storeContenders = ['none', 'memory', 'pglite', 'postgres', 'postgres-pre-19', 'postgres-transactional', 'redis', ...storeFloors] as const;
export type StoreContender = (typeof storeContenders)[number];

// Each store, and the floors it is compared with (its bare statements).
const floorsOf: Partial<Record<StoreContender, readonly StoreFloor[]>> = {
  postgres: ['postgres-floor-2', 'postgres-floor-1'],
  redis: ['redis-floor-2', 'redis-floor-1'],
};

export interface StoreResult {
  store: StoreContender;
  /** What the store talked to, or why it was skipped. */
  detail: string;
  skipped?: boolean;
  deliveriesPerSecond?: Summary;
  /** Throughput over `store: false`'s, paired by repetition. */
  ratioToNone?: Summary;
  /** A store's throughput over each of its floors', paired by repetition. */
  ratioToFloors?: Partial<Record<StoreFloor, Summary>>;
  /** postgres only: its throughput over the unshared design's (postgres-pre-19), paired by repetition. */
  ratioToPreIssue19?: Summary;
  /** Store queries or commands per delivery, over every timed delivery. */
  roundTripsPerDelivery?: number;
  /** Deliveries not answered 200 `{"received":true}`: must be 0. */
  failures?: number;
  target?: Target;
}

const maxRoundTrips = 2;
// Issue 19: PostgreSQL deliveries/s at least this many times the unshared design's, in one run.
const minGainOverPreIssue19 = 1.5;
const postgresUrl = process.env.PGURL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Its own table and key prefix, so the bench never touches what tests or apps use.
const benchTable = 'stripe_webhook_kit_bench_events';

interface Contender {
  /** Sends one delivery; resolves whether it was answered as a first delivery must be. */
  send(delivery: Delivery): Promise<boolean>;
  detail: string;
  /** Store calls so far (queries or commands); undefined for stores without a client. */
  roundTrips?: () => number;
  close(): Promise<void>;
}

export async function runStoresBench(config: StoresConfig, progress: (line: string) => void): Promise<StoreResult[]> {
  const template = deliveryTemplate();
  const sequence = { next: 1 };
  const contenders = new Map<StoreContender, Contender>();
  const skipped = new Map<StoreContender, string>();
  for (const name of storeContenders) {
    try {
      contenders.set(name, await openContender(name, sequence));
    } catch (error) {
      skipped.set(name, (error as Error).message.split('\n')[0] ?? 'failed to open');
      progress(`stores: ${name} skipped (${skipped.get(name)})`);
    }
  }
  const active = storeContenders.filter((name) => contenders.has(name));

  try {
    // Warm-up: JIT, connections, the table's creation; its rate sizes the measurements.
    const deliveriesPerRun = new Map<StoreContender, number>();
    for (const name of active) {
      const contender = contenders.get(name) as Contender;
      const warm = await deliver(contender, makeDeliveries(template, sequence, 300), config.concurrency);
      const rate = await deliver(contender, makeDeliveries(template, sequence, 600), config.concurrency);
      if (warm.failures + rate.failures > 0) throw new Error(`the ${name} store failed ${warm.failures + rate.failures} warm-up deliveries`);
      deliveriesPerRun.set(name, Math.max(200, Math.min(100_000, Math.round(rate.perSecond * config.durationSeconds))));
    }

    const calls = new Map<StoreContender, { roundTrips: number; deliveries: number; failures: number }>(
      active.map((name) => [name, { roundTrips: 0, deliveries: 0, failures: 0 }]),
    );
    const throughput = await interleave(active, config.repetitions, async (name) => {
      const contender = contenders.get(name) as Contender;
      // Signed before the clock starts: signing is the sender's work, not the receiver's.
      const deliveries = makeDeliveries(template, sequence, deliveriesPerRun.get(name) as number);
      collectGarbage();
      const before = contender.roundTrips?.() ?? 0;
      const run = await deliver(contender, deliveries, config.concurrency);
      const tally = calls.get(name) as { roundTrips: number; deliveries: number; failures: number };
      tally.roundTrips += (contender.roundTrips?.() ?? 0) - before;
      tally.deliveries += deliveries.length;
      tally.failures += run.failures;
      return run.perSecond;
    });

    const results = storeContenders.map((name): StoreResult => {
      const contender = contenders.get(name);
      if (!contender) return { store: name, detail: skipped.get(name) ?? 'skipped', skipped: true };
      const tally = calls.get(name) as { roundTrips: number; deliveries: number; failures: number };
      const result: StoreResult = {
        store: name,
        detail: contender.detail,
        deliveriesPerSecond: summarize(throughput[name]),
        ratioToNone: throughput.none.length > 0 ? pairedRatio(throughput[name], throughput.none) : undefined,
        failures: tally.failures,
      };
      const floors = (floorsOf[name] ?? []).filter((floor) => (throughput[floor]?.length ?? 0) > 0);
      if (floors.length > 0) result.ratioToFloors = Object.fromEntries(floors.map((floor) => [floor, pairedRatio(throughput[name], throughput[floor])]));
      if (contender.roundTrips) {
        const perDelivery = tally.roundTrips / tally.deliveries;
        result.roundTripsPerDelivery = perDelivery;
        result.target = { description: `<= ${maxRoundTrips} round trips per delivery (${perDelivery.toFixed(2)})`, met: perDelivery <= maxRoundTrips && tally.failures === 0 };
      }
      if (name === 'postgres' && (throughput['postgres-pre-19']?.length ?? 0) > 0) {
        const gain = pairedRatio(throughput.postgres, throughput['postgres-pre-19']);
        result.ratioToPreIssue19 = gain;
        const rounds = result.target;
        const met = gain.median >= minGainOverPreIssue19 && (rounds?.met ?? tally.failures === 0);
        result.target = {
          description: `${rounds ? `${rounds.description}; ` : ''}>= ${minGainOverPreIssue19}x postgres-pre-19 (${formatRatio(gain)})`,
          met,
        };
      }
      return result;
    });
    progress(`stores: ${results.filter((result) => !result.skipped).map((result) => `${result.store} ${Math.round(result.deliveriesPerSecond?.median ?? 0)}/s`).join(', ')}`);
    return results;
  } finally {
    for (const contender of contenders.values()) await contender.close().catch(() => undefined);
  }
}

function handlerWith(store: IdempotencyStore | false): Contender['send'] {
  const router = createWebhookRouter();
  router.on('checkout.session.completed', () => undefined);
  const handler: WebhookHandler = createWebhookHandler({ secret: benchSecret, router, store, logger: false });
  return async (delivery) => {
    const response = await handler.handle({ method: 'POST', headers: delivery.headers, body: delivery.body });
    return response.status === 200 && response.body === '{"received":true}';
  };
}

/** Replaces `object[method]` with a wrapper that counts its calls: each is one round trip. */
function countCalls<T extends object>(object: T, method: keyof T & string): () => number {
  let count = 0;
  const original = (object[method] as (...args: unknown[]) => unknown).bind(object);
  Object.defineProperty(object, method, {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => {
      count++;
      return original(...args);
    },
  });
  return () => count;
}

async function openContender(name: StoreContender, sequence: { next: number }): Promise<Contender> {
  const noClose = async () => undefined;
  if (isFloor(name)) {
    const floor = await openFloor(name, { postgres: postgresUrl, redis: redisUrl }, `${benchTable}_floor`);
    // A new id per delivery, as the deliveries carry (the body itself is not read).
    return { send: () => floor.record(`evt_floor_${process.pid}_${sequence.next++}`), detail: floor.detail, close: () => floor.close() };
  }
  switch (name) {
    case 'none':
      return { send: handlerWith(false), detail: 'store: false (no deduplication)', close: noClose };
    case 'memory':
      return { send: handlerWith(memoryStore()), detail: 'memoryStore() (the default)', close: noClose };
    // Database clients are loaded only when their contender opens (see run.ts on why loading
    // modules early matters).
    case 'pglite': {
      const { PGlite } = await import('@electric-sql/pglite');
      const db = new PGlite();
      await db.waitReady;
      const store = postgresStore(db);
      await store.ready();
      // Counted after the table exists: only what deliveries cost.
      const roundTrips = countCalls(db, 'query');
      return { send: handlerWith(store), detail: 'PGlite in-memory, in process', roundTrips, close: () => db.close() };
    }
    case 'postgres':
      return withPostgresPool(benchTable, async (pool) => {
        const store = postgresStore(pool, { table: benchTable });
        await store.ready();
        const roundTrips = countCalls(pool, 'query');
        const { rows } = await pool.query<{ server_version: string }>('show server_version');
        const version = rows[0]?.server_version.split(' ')[0] ?? '?';
        return { send: handlerWith(store), detail: `pg Pool (max 10), PostgreSQL ${version} at ${redact(postgresUrl)}`, roundTrips };
      });
    // The reference for the shared statements' target: the same handler and verification, with the store as
    // it was before (a claim and a durable completion per delivery, never shared).
    case 'postgres-pre-19':
      return withPostgresPool(`${benchTable}_pre_19`, async (pool, table) => {
        await pool.query(postgresStoreSchema(table));
        const roundTrips = countCalls(pool, 'query');
        const detail = 'pg Pool (max 10), postgresStore before claims and completions shared statements: a claim, then a durable one-event completion';
        return { send: handlerWith(preIssue19PostgresStore(pool, table)), detail, roundTrips };
      });
    // The same handler, run inside the transaction that marks the event done (BEGIN, mark,
    // COMMIT on a checked-out connection, after the claim): the price of exactly-once effects.
    case 'postgres-transactional':
      return withPostgresPool(`${benchTable}_tx`, async (pool, table) => {
        const store = postgresStore(pool, { table, transactional: true });
        await store.ready();
        return { send: handlerWith(store), detail: 'pg Pool (max 10), postgresStore({ transactional: true }): claim, then BEGIN, mark, COMMIT' };
      });
    case 'redis': {
      const prefix = `stripe-webhook-kit:bench:${process.pid}:`;
      const { Redis } = await import('ioredis');
      const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
      try {
        await client.connect();
        const version = /redis_version:(\S+)/.exec(await client.info('server'))?.[1] ?? '?';
        const roundTrips = countCalls(client, 'sendCommand');
        return {
          send: handlerWith(redisStore(client, { prefix })),
          detail: `ioredis, Redis ${version} at ${redact(redisUrl)}`,
          roundTrips,
          close: async () => {
            await deleteKeys(client, prefix);
            await client.quit();
          },
        };
      } catch (error) {
        client.disconnect();
        throw error;
      }
    }
    default:
      throw new Error(`unknown store contender ${name}`);
  }
}

/** A pg Pool of 10 for a contender on `table`, which closing drops; the pool ends if opening fails. */
async function withPostgresPool(table: string, open: (pool: Pool, table: string) => Promise<Omit<Contender, 'close'>>): Promise<Contender> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 10, connectionTimeoutMillis: 3000 });
  pool.on('error', () => undefined);
  try {
    const contender = await open(pool, table);
    return {
      ...contender,
      close: async () => {
        await pool.query(`drop table if exists ${table}`);
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

function isFloor(name: StoreContender): name is StoreFloor {
  return (storeFloors as readonly string[]).includes(name);
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

interface Delivery {
  headers: Record<string, string>;
  body: Buffer;
}

function makeDeliveries(template: DeliveryTemplate, sequence: { next: number }, count: number): Delivery[] {
  return Array.from({ length: count }, () => {
    const { body, signature } = signBody(template.body(sequence.next++));
    // A Buffer, as the adapters pass the body.
    return { headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: Buffer.from(body, 'utf8') };
  });
}

/** Sends every delivery through the handler, `concurrency` at a time; deliveries per second. */
async function deliver(contender: Contender, deliveries: Delivery[], concurrency: number): Promise<{ perSecond: number; failures: number }> {
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < deliveries.length) {
      const delivery = deliveries[next++] as Delivery;
      if (!(await contender.send(delivery))) failures++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: deliveries.length / seconds, failures };
}

export function storesTable(results: readonly StoreResult[], config: StoresConfig): TableData {
  const rows = results.map((result) =>
    result.skipped
      ? [result.store, `skipped: ${result.detail}`, '', '', '', '']
      : [
          result.store,
          result.detail + (result.failures ? ` (${result.failures} failed)` : ''),
          formatSpread(result.deliveriesPerSecond as Summary),
          // A floor runs no handler: its ratio to the handler without a store would compare unlike work.
          result.store === 'none' ? 'baseline' : isFloor(result.store) ? '' : formatRatio(result.ratioToNone),
          result.roundTripsPerDelivery === undefined ? '' : result.roundTripsPerDelivery.toFixed(2),
          formatTarget(result.target),
        ],
  );
  return {
    title: `4. Deduplication: deliveries/s through handler.handle() at concurrency ${config.concurrency}, median (min-max) of ${config.repetitions} interleaved runs`,
    header: ['store', 'client', 'deliveries/s', 'vs none', 'round trips', 'target'],
    rows,
    notes: [
      'Distinct signed ~5 KB events (Buffer bodies), verification included; round trips are the client\'s query()/sendCommand() calls per delivery.',
      'postgres-pre-19: the same handler with postgresStore as it was before claims and completions shared statements (bench/pre-19-postgres-store.ts): a claim and a durable one-event completion per delivery, neither shared.',
      'Floors: bare clients at the same concurrency, no verification or handler: "floor-2" runs the claim and a durable one-event completion (postgresStore before claims and completions shared statements; redisStore\'s claim script and SET), "floor-1" one INSERT ... ON CONFLICT DO NOTHING or SET NX PX.',
      ...results.flatMap((result) =>
        Object.entries(result.ratioToFloors ?? {}).map(([floor, ratio]) => `${result.store} vs ${floor}: ${formatRatio(ratio)} (paired)`),
      ),
      ...results
        .filter((result) => result.ratioToPreIssue19)
        .map((result) => {
          const ratio = result.ratioToPreIssue19 as Summary;
          const verdict = ratio.median >= minGainOverPreIssue19 ? 'met' : 'MISSED';
          return `${result.store} vs postgres-pre-19 (same handler and verification, the store before claims and completions shared statements): ${formatRatio(ratio)} (paired); the shared statements' target >= ${minGainOverPreIssue19}x: ${verdict}.`;
        }),
      ...results
        .filter((result) => result.deliveriesPerSecond && result.deliveriesPerSecond.min < result.deliveriesPerSecond.max / 3)
        .map((result) => `${result.store}: throughput collapsed in some runs (min < max/3): the machine was busy, or the store stalled; rerun before quoting.`),
    ],
  };
}
