// What `inbox.health()` costs on PostgreSQL at the size of a real log: fills an event log of
// `--events` rows (default 100,000; mostly done, as a log is, with a backlog of queued, failed
// and dead events), then prints the health statement's plan (EXPLAIN ANALYZE) and its wall time,
// median (min-max) of 20 runs. Not part of `npm run bench`: run it on its own,
//   node --import tsx bench/inbox-health.ts [--events=100000] [--queued=1000]
// against PGURL (default postgres://postgres@127.0.0.1:5432/test). It drops its schema afterwards.
import pg from 'pg';
import { parseTableName } from '../src/stores/postgres/table-name.js';
import { ensureEventLogStatement } from '../src/inbox/pg-boss/event-log-sql.js';
import { healthStatement } from '../src/inbox/pg-boss/health-sql.js';

const argument = (name: string, fallback: number) => Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const total = argument('events', 100_000);
const queued = argument('queued', 1000);
const url = process.env.PGURL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `swk_health_bench_${process.pid}`;
const tables = { events: parseTableName(`${schema}.events`).quoted, objects: parseTableName(`${schema}.events_objects`).quoted, name: `${schema}.events` };

const pool = new pg.Pool({ connectionString: url, max: 1 });
try {
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.query(ensureEventLogStatement(tables));
  // Statuses by position: the first `queued` rows wait, a few hundred failed or dead, the rest done.
  await pool.query(
    `INSERT INTO ${tables.events} (event_id, type, object_id, created, payload, status, received_at, updated_at)
SELECT 'evt_' || i, 'checkout.session.completed', 'cs_' || i, 1700000000 + i, '{"object":"event"}'::jsonb,
  CASE WHEN i <= $2 THEN 'queued' WHEN i <= $2 + 200 THEN 'failed' WHEN i <= $2 + 300 THEN 'dead' ELSE 'done' END,
  now() - (($1 - i) * interval '10 ms'), now() - (($1 - i) * interval '10 ms')
FROM generate_series(1, $1) AS i`,
    [total, queued],
  );
  await pool.query(`VACUUM ANALYZE ${tables.events}`);
  const statement = healthStatement(tables);
  const { rows: plan } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement}`);
  console.log(`health statement on ${total} events (${queued} queued, 200 failed, 100 dead):\n`);
  console.log(plan.map((row) => row['QUERY PLAN']).join('\n'));
  const times: number[] = [];
  for (let run = 0; run < 20; run++) {
    const started = performance.now();
    await pool.query(statement);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const ms = (value: number) => value.toFixed(2);
  console.log(`\nwall time, 20 runs: median ${ms(times[10]!)} ms (${ms(times[0]!)}-${ms(times[19]!)} ms)`);
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.end();
}
