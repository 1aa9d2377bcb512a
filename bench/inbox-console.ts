// What the operator console asks of a big inbox: `node --import tsx bench/inbox-console.ts
// [--explain] [--pg-events=1000000] [--redis-events=100000]`. Loads PostgreSQL (PGURL) with one
// INSERT ... SELECT generate_series and Redis (REDIS_URL) through the event log's own Lua scripts,
// pipelined, then times list pages (first, page 100 via cursors), each filter, search and the
// timeline: the median of 5 runs of each, in ms. `--explain` prints PostgreSQL's plan of each list.
import { Redis } from 'ioredis';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { bullmqInbox } from '../src/inbox/bullmq/bullmq-inbox.js';
import { claimScript, insertScript, settleScript } from '../src/inbox/bullmq/event-log-scripts.js';
import { resolveFilter } from '../src/inbox/list-filter.js';
import { pgBossInbox } from '../src/inbox/pg-boss/pg-boss-inbox.js';
import { entryColumns, filterQuery } from '../src/inbox/pg-boss/list-query.js';
import type { Inbox, InboxListFilter } from '../src/inbox/types.js';

const argument = (name: string) => process.argv.find((one) => one.startsWith(`--${name}=`))?.split('=')[1];
const pgUrl = process.env.PGURL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const pgEvents = Number(argument('pg-events') ?? 1_000_000);
const redisEvents = Number(argument('redis-events') ?? 100_000);
const explain = process.argv.includes('--explain');
const types = ['checkout.session.completed', 'invoice.paid', 'payment_intent.succeeded', 'charge.refunded', 'customer.subscription.updated'];

async function median(run: () => Promise<unknown>, times = 5): Promise<number> {
  const samples: number[] = [];
  for (let index = 0; index < times; index++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return Math.round(samples.sort((a, b) => a - b)[Math.floor(times / 2)]! * 100) / 100;
}

/** The console's questions, with terms that exist in the loaded data (event `n` of `total`). */
function questions(total: number, at: (n: number) => number, id: (n: number) => string): Array<[string, InboxListFilter]> {
  const middle = Math.floor(total / 2);
  const window = { since: at(middle), until: at(middle + Math.floor(total / 24)) };
  return [
    ['first page', {}],
    ['status dead', { status: 'dead' }],
    ['status done', { status: 'done' }],
    ['status failed+dead+discarded', { status: ['failed', 'dead', 'discarded'] }],
    ['type invoice.paid', { type: 'invoice.paid' }],
    ['object id', { objectId: `cs_${Math.floor(middle / 2)}` }],
    ['order id', { orderId: `order_${Math.floor(middle / 3)}` }],
    ['time range (1/24 of the log)', window],
    ['time range + status dead', { ...window, status: 'dead' }],
    ['time range + type', { ...window, type: 'charge.refunded' }],
    ['search event id', { search: id(middle) }],
    ['search object id', { search: `cs_${Math.floor(middle / 2)}` }],
    ['search order id', { search: `order_${Math.floor(middle / 3)}` }],
    ['search no match', { search: 'order_none' }],
  ];
}

async function measure(engine: string, inbox: Inbox, total: number, at: (n: number) => number, id: (n: number) => string, plan?: (filter: InboxListFilter) => Promise<string>) {
  console.log(`\n${engine}: ${total.toLocaleString('en')} events (median of 5, ms)`);
  for (const [name, filter] of questions(total, at, id)) {
    const ms = await median(() => inbox.list({ ...filter, limit: 50 }));
    const found = (await inbox.list({ ...filter, limit: 50 })).items.length;
    console.log(`  ${name.padEnd(32)} ${String(ms).padStart(8)}  (${found} rows)${plan ? `  ${await plan(filter)}` : ''}`);
  }
  let cursor: string | undefined;
  for (let page = 1; page < 100; page++) cursor = (await inbox.list({ limit: 50, cursor })).nextCursor;
  console.log(`  ${'page 100 via cursors'.padEnd(32)} ${String(await median(() => inbox.list({ limit: 50, cursor }))).padStart(8)}`);
  const day = { since: at(0), until: at(total - 1) + 1 };
  const hours = Math.ceil((day.until - day.since) / 3_600_000);
  console.log(`  ${`timeline ${hours} x 1 h`.padEnd(32)} ${String(await median(() => inbox.timeline({ ...day, bucketMs: 3_600_000 }))).padStart(8)}`);
  const minutes = Math.min(10_080, Math.ceil((day.until - day.since) / 60_000));
  console.log(`  ${`timeline ${minutes} x 1 min`.padEnd(32)} ${String(await median(() => inbox.timeline({ since: day.since, until: day.since + minutes * 60_000, bucketMs: 60_000 }))).padStart(8)}`);
}

async function postgres() {
  const schema = `swk_console_bench_${process.pid}`;
  const boss = new PgBoss({ connectionString: pgUrl, schema, max: 4, supervise: false, schedule: false });
  boss.on('error', () => undefined);
  await boss.start();
  const db = new pg.Pool({ connectionString: pgUrl, max: 4 });
  const table = `${schema}.events`;
  try {
    const inbox = pgBossInbox(boss, { db, table });
    await inbox.stats(); // creates the tables and indexes
    // Spread over 24 hours ending now, oldest first (so the sequence follows arrival, as in life).
    const spacingMs = 86_400_000 / pgEvents;
    const loadStarted = performance.now();
    await db.query(
      `INSERT INTO ${table} (event_id, type, object_id, order_ref, created, payload, status, attempts, received_at, updated_at)
SELECT 'evt_bench_' || i, t, 'cs_' || (i / 2), 'order_' || (i / 3), 1700000000 + i,
  jsonb_build_object('id', 'evt_bench_' || i, 'object', 'event', 'type', t, 'data', jsonb_build_object('object', jsonb_build_object('id', 'cs_' || (i / 2), 'metadata', jsonb_build_object('orderId', 'order_' || (i / 3))))),
  s, '[{"startedAt":"2026-01-01T00:00:00.000Z","durationMs":3}]'::jsonb, r, r
FROM generate_series(0, $1::int - 1) AS i,
  LATERAL (SELECT (ARRAY[${types.map((type) => `'${type}'`).join(', ')}])[1 + i % 5] AS t,
    CASE WHEN i % 100 = 7 THEN 'dead' WHEN i % 200 = 11 THEN 'failed' WHEN i % 500 = 13 THEN 'discarded' WHEN i > $1::int - 50 THEN 'queued' ELSE 'done' END AS s,
    statement_timestamp() - ($1::int - i) * $2::float8 * interval '1 millisecond' AS r) AS row`,
      [pgEvents, spacingMs],
    );
    // What autovacuum does to a table that has settled: the visibility map lets counts read the index only.
    await db.query(`VACUUM ANALYZE ${table}`);
    console.log(`\nPostgreSQL: loaded ${pgEvents.toLocaleString('en')} rows in ${Math.round(performance.now() - loadStarted) / 1000} s`);
    const now = Date.now();
    const at = (n: number) => now - (pgEvents - n) * spacingMs;
    const plan = async (filter: InboxListFilter) => {
      if (!explain) return '';
      const query = filterQuery(table, resolveFilter({ ...filter, limit: 50 }), 'newest', entryColumns, 51);
      const rows = (await db.query(`EXPLAIN ${query.text}`, query.params)).rows as Array<{ 'QUERY PLAN': string }>;
      return rows
        .map((row) => row['QUERY PLAN'].trim().replace(/\s+\(cost=[^)]*\)/, ''))
        .filter((line) => /Scan|Sort|BitmapOr|Limit|Merge/.test(line))
        .join(' / ');
    };
    await measure('PostgreSQL (pg-boss inbox)', inbox, pgEvents, at, (n) => `evt_bench_${n}`, explain ? plan : undefined);
  } finally {
    await boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.end();
  }
}

async function redis() {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const prefix = `swk_console_bench_${process.pid}`;
  const base = `${prefix}:stripe-events:inbox`;
  try {
    const load = async (text: string) => String(await connection.script('LOAD', text));
    const insert = await load(insertScript);
    const claim = await load(claimScript);
    const settle = await load(settleScript);
    const loadStarted = performance.now();
    for (let start = 0; start < redisEvents; start += 1000) {
      const pipeline = connection.pipeline();
      for (let i = start; i < Math.min(redisEvents, start + 1000); i++) {
        const type = types[i % 5]!;
        const object = `cs_${Math.floor(i / 2)}`;
        const order = `order_${Math.floor(i / 3)}`;
        const payload = JSON.stringify({ id: `evt_bench_${i}`, object: 'event', type, data: { object: { id: object, metadata: { orderId: order } } } });
        pipeline.evalsha(insert, 0, base, `evt_bench_${i}`, type, object, 1_700_000_000 + i, payload, order, '');
        const status = i % 100 === 7 ? 'dead' : i % 200 === 11 ? 'failed' : i % 500 === 13 ? 'discarded' : i > redisEvents - 50 ? undefined : 'done';
        if (status === undefined) continue;
        pipeline.evalsha(claim, 0, base, `evt_bench_${i}`, 'bench', 60_000, '0');
        pipeline.evalsha(settle, 0, base, `evt_bench_${i}`, 'bench', status, '{"durationMs":3}');
      }
      await pipeline.exec();
    }
    console.log(`\nRedis: loaded ${redisEvents.toLocaleString('en')} events (insert, claim, settle scripts) in ${Math.round(performance.now() - loadStarted) / 1000} s`);
    const received = async (n: number) => Number(await connection.hget(`${base}:e:evt_bench_${n}`, 'receivedAt'));
    const arrival = new Map<number, number>();
    for (const n of [0, redisEvents - 1, Math.floor(redisEvents / 2), Math.floor(redisEvents / 2) + Math.floor(redisEvents / 24)]) arrival.set(n, await received(n));
    const inbox = bullmqInbox({ connection, prefix });
    await measure('Redis (BullMQ inbox)', inbox, redisEvents, (n) => arrival.get(n) ?? Date.now(), (n) => `evt_bench_${n}`);
    await inbox.close();
  } finally {
    let cursor = '0';
    do {
      const [next, keys] = await connection.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
      if (keys.length > 0) await connection.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    connection.disconnect();
  }
}

if (pgEvents > 0) await postgres();
if (redisEvents > 0) await redis();
