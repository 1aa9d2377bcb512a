// What `inbox.health()` costs on pg-boss's event log, on PostgreSQL and PGlite, and what keeping
// its counters costs the writers. Not part of `npm run bench`: run it on its own,
//   node --import tsx bench/inbox-health.ts [--only=health|writes] [--engines=postgres,pglite]
//     [--events=100000] [--runs=20] [--writes=2000] [--clients=8] [--rounds=5]
// against PGURL (default postgres://postgres@127.0.0.1:5432/test); it drops its schemas afterwards.
//
// health: a log of `--events` rows in three shapes (mostly done with a backlog of 1,300; all but
// 1,000 queued, as in an outage; all but 1,000 dead, a log nobody replayed), the health statement
// against the one it replaced (a count of each status's index range), interleaved, `--runs` each:
// median (min-max) ms, and the new statement's EXPLAIN (ANALYZE, BUFFERS).
// writes: events/s of `--clients` concurrent writers (one on PGlite, which has one connection),
// each event stored (a transaction of the insert and one more round trip, where the inbox sends
// pg-boss's job), claimed and settled: without counters and with the counters the inbox creates. `--rounds` interleaved rounds: median (min-max).
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { parseTableName } from '../src/stores/postgres/table-name.js';
import { eventLogSchema, eventLogStatements, type EventLogTables } from '../src/inbox/pg-boss/event-log-sql.js';
import { healthCountersStatement, healthIndexStatement, healthStatement } from '../src/inbox/pg-boss/health-sql.js';
import { toSqlDatabase, type SqlDatabase } from '../src/inbox/pg-boss/sql-client.js';
import { interleave, summarize } from './stats.js';

const option = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const number = (name: string, fallback: number) => Number(option(name) ?? fallback);
const total = number('events', 100_000);
const runs = number('runs', 20);
const writes = number('writes', 2000);
const clients = number('clients', 8);
const rounds = number('rounds', 5);
const only = option('only');
const engines = (option('engines') ?? 'postgres,pglite').split(',');
const url = process.env.PGURL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `swk_health_bench_${process.pid}`;

/** The statement health ran before the counters: each count is a range of the status index. */
function countingStatement(tables: EventLogTables): string {
  const { events } = tables;
  const count = (status: string) => `(SELECT count(*) FROM ${events} WHERE status = '${status}')::int AS ${status}`;
  return `SELECT ${count('queued')}, ${count('processing')}, ${count('failed')}, ${count('dead')},
  (SELECT floor(extract(epoch FROM min(received_at)) * 1000) FROM ${events} WHERE status = 'queued')::float8 AS oldest_queued_at,
  (SELECT floor(extract(epoch FROM max(updated_at)) * 1000) FROM ${events} WHERE status = 'done')::float8 AS last_done_at,
  floor(extract(epoch FROM statement_timestamp()) * 1000)::float8 AS now`;
}

function tablesFor(name: string): EventLogTables {
  const qualified = `${schema}.${name}`;
  return { events: parseTableName(qualified).quoted, objects: parseTableName(`${qualified}_objects`).quoted, name: qualified };
}

/** The log as the inbox creates it, with its counters or without. */
async function createLog(db: SqlDatabase, tables: EventLogTables, withCounters: boolean) {
  const counters = withCounters ? `${healthCountersStatement(tables)};` : '';
  await db.query(`DO $$ BEGIN ${eventLogSchema(tables).join(';\n')}; ${healthIndexStatement(tables)}; ${counters} END $$`);
}

const spread = (values: number[], digits: number) => {
  const { median, min, max } = summarize(values);
  return `${median.toFixed(digits)} (${min.toFixed(digits)}-${max.toFixed(digits)})`;
};

const shapes = [
  { name: 'mostly done', queued: 1000, failed: 200, dead: 100 },
  { name: 'outage backlog', queued: total - 1000, failed: 0, dead: 0 },
  { name: 'unreplayed dead', queued: 0, failed: 0, dead: total - 1000 },
];

async function healthCost(engine: string, db: SqlDatabase) {
  for (const [index, shape] of shapes.entries()) {
    const tables = tablesFor(`health_${index}`);
    await createLog(db, tables, true);
    // Statuses by position: queued first, then failed, dead, and the rest done; ten ms apart.
    await db.query(
      `INSERT INTO ${tables.events} (event_id, type, object_id, created, payload, status, received_at, updated_at)
SELECT 'evt_' || i, 'checkout.session.completed', 'cs_' || i, 1700000000 + i, '{"object":"event"}'::jsonb,
  CASE WHEN i <= $2 THEN 'queued' WHEN i <= $2 + $3 THEN 'failed' WHEN i <= $2 + $3 + $4 THEN 'dead' ELSE 'done' END,
  now() - (($1 - i) * interval '10 ms'), now() - (($1 - i) * interval '10 ms')
FROM generate_series(1, $1::int) AS i`,
      [total, shape.queued, shape.failed, shape.dead],
    );
    await db.query(`VACUUM ANALYZE ${tables.events}`);
    const statements = { before: countingStatement(tables), after: healthStatement(tables) };
    const times = await interleave(['before', 'after'] as const, runs, async (contender) => {
      const started = performance.now();
      await db.query(statements[contender]);
      return performance.now() - started;
    });
    console.log(`\n${engine}, ${total} events, ${shape.name} (${shape.queued} queued, ${shape.failed} failed, ${shape.dead} dead), ms over ${runs} runs:`);
    console.log(`  before (index range counts): ${spread(times.before, 2)}`);
    console.log(`  after (counters):             ${spread(times.after, 2)}`);
    const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${statements.after}`);
    console.log((rows as { 'QUERY PLAN': string }[]).map((row) => `    ${row['QUERY PLAN']}`).join('\n'));
  }
}

async function writeCost(engine: string, db: SqlDatabase, writers: number) {
  const variants: Record<string, boolean> = { 'no counters': false, counters: true };
  const names = Object.keys(variants);
  const logs = Object.fromEntries(names.map((name, index) => [name, tablesFor(`writes_${index}`)]));
  for (const name of names) await createLog(db, logs[name]!, variants[name]!);
  const perSecond = await interleave(names, rounds, async (name, round) => {
    const sql = eventLogStatements(logs[name]!);
    const write = async (id: string) => {
      await db.transaction(async (tx) => {
        await tx.query(sql.insert, [id, 'invoice.paid', `in_${id}`, null, 1_700_000_000, '{"object":"event"}', null]);
        await tx.query('SELECT 1');
      });
      await db.query(sql.claimFree, [id, `token_${id}`, 60_000]);
      await db.query(sql.settle, [id, `token_${id}`, 'done', '{"durationMs":1}']);
    };
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        for (let index = writer; index < writes; index += writers) await write(`evt_${round}_${index}`);
      }),
    );
    return writes / ((performance.now() - started) / 1000);
  });
  console.log(`\n${engine}, ${writers} concurrent writer(s), events stored, claimed and settled per second over ${rounds} rounds of ${writes}:`);
  for (const name of names) console.log(`  ${name.padEnd(22)} ${spread(perSecond[name]!, 0)}`);
}

async function measure(engine: string, db: SqlDatabase, writers: number) {
  await db.query(`CREATE SCHEMA ${schema}`);
  try {
    if (only !== 'writes') await healthCost(engine, db);
    if (only !== 'health') await writeCost(engine, db, writers);
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

if (engines.includes('postgres')) {
  const pool = new pg.Pool({ connectionString: url, max: clients });
  try {
    await measure('PostgreSQL', toSqlDatabase(pool), clients);
  } finally {
    await pool.end();
  }
}
if (engines.includes('pglite')) {
  const lite = await PGlite.create();
  try {
    await measure('PGlite', toSqlDatabase(lite), 1);
  } finally {
    await lite.close();
  }
}
