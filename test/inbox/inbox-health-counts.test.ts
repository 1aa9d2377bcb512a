// inbox.health() on pg-boss reads its counts from counters that triggers on the event log keep:
// they must equal a count of the log after every move an event makes (insert, claim, settle, fail,
// dead, replay, retention delete), under concurrent workers, once the moves are folded into the
// counts, and for a log made before the counters existed or whose counters an earlier version
// kept. The statements are the engine's own, run on PGlite and on PostgreSQL.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTableName } from '../../src/stores/postgres/table-name.js';
import { ensureEventLogStatement, eventLogSchema, eventLogStatements, type EventLogTables } from '../../src/inbox/pg-boss/event-log-sql.js';
import { foldEvery, pgBossHealth } from '../../src/inbox/pg-boss/health-sql.js';
import { toSqlDatabase, type SqlClient } from '../../src/inbox/pg-boss/sql-client.js';
import { pgUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { earlierHealthCountersStatement } from './fixtures/earlier-health-counters.js';

const postgres = await serviceAvailable('PostgreSQL');
type Counts = Record<'queued' | 'processing' | 'failed' | 'dead', number>;

function tablesFor(name: string): EventLogTables {
  return { events: parseTableName(name).quoted, objects: parseTableName(`${name}_objects`).quoted, name };
}

/** What health reports, and what a full count of the log says: the two must always agree. */
async function countsOf(db: SqlClient, tables: EventLogTables): Promise<{ health: Counts; log: Counts }> {
  const health = await pgBossHealth(tables, { maxLagMs: 3_600_000, maxDead: 1_000_000 }, async (text) => (await db.query(text)).rows);
  const log: Counts = { queued: 0, processing: 0, failed: 0, dead: 0 };
  const { rows } = await db.query(`SELECT status, count(*)::int AS n FROM ${tables.events} GROUP BY status`);
  for (const row of rows as { status: string; n: number }[]) if (row.status in log) log[row.status as keyof Counts] = Number(row.n);
  return { health: { queued: health.queued, processing: health.processing, failed: health.failed, dead: health.dead }, log };
}

async function expectCounts(db: SqlClient, tables: EventLogTables, expected: Counts) {
  const { health, log } = await countsOf(db, tables);
  expect(log).toEqual(expected);
  expect(health).toEqual(expected);
}

/** A table or sequence the counters keep beside the log (`count_moves`, `count_folds`, `counts`). */
function beside(tables: EventLogTables, suffix: string): string {
  const [schema, table] = tables.name.includes('.') ? tables.name.split('.') : [undefined, tables.name];
  return `${schema ? `${schema}.` : ''}"${table}_${suffix}"`;
}

async function movesLeft(db: SqlClient, tables: EventLogTables): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${beside(tables, 'count_moves')}`);
  return Number((rows[0] as { n: number }).n);
}

function eventRow(id: string) {
  return [id, 'invoice.paid', `in_${id}`, null, 1_700_000_000, JSON.stringify({ id, object: 'event', type: 'invoice.paid' }), null];
}

/** `embedded`: the database is PGlite, whose counters fold their moves with TRUNCATE. */
function countsContract(open: () => Promise<{ db: SqlClient; name: (base: string) => string }>, embedded: boolean) {
  const ensure = (tables: EventLogTables) => ensureEventLogStatement(tables, embedded);

  it('counts stay exact through insert, claim, settle, fail, dead, replay and retention delete', async () => {
    const { db, name } = await open();
    const tables = tablesFor(name('moves'));
    const sql = eventLogStatements(tables);
    await db.query(ensure(tables));
    await expectCounts(db, tables, { queued: 0, processing: 0, failed: 0, dead: 0 });

    const ids = ['evt_a', 'evt_b', 'evt_c', 'evt_d', 'evt_e', 'evt_f'];
    for (const id of ids) await db.query(sql.insert, eventRow(id));
    // A duplicate delivery inserts nothing and counts nothing.
    await db.query(sql.insert, eventRow('evt_a'));
    await expectCounts(db, tables, { queued: 6, processing: 0, failed: 0, dead: 0 });

    for (const id of ['evt_a', 'evt_b', 'evt_c', 'evt_d']) await db.query(sql.claimFree, [id, `token_${id}`, 60_000]);
    await expectCounts(db, tables, { queued: 2, processing: 4, failed: 0, dead: 0 });

    const settle = (id: string, status: string, token = `token_${id}`) => db.query(sql.settle, [id, token, status, JSON.stringify({ durationMs: 1 })]);
    await settle('evt_a', 'done');
    await settle('evt_b', 'failed');
    await settle('evt_c', 'dead');
    await settle('evt_d', 'discarded');
    // A settle whose lease was lost changes nothing.
    await settle('evt_e', 'done', 'token_of_nobody');
    await expectCounts(db, tables, { queued: 2, processing: 0, failed: 1, dead: 1 });

    // The engine gave up on a queued event's job.
    await db.query(sql.markDead, ['evt_e', JSON.stringify({ error: 'gave up' }), 0]);
    await expectCounts(db, tables, { queued: 1, processing: 0, failed: 1, dead: 2 });

    // A replay re-queues the failed and dead events in one statement, the done one when asked.
    await db.query(sql.requeue, [['evt_b', 'evt_c', 'evt_e'], false]);
    await expectCounts(db, tables, { queued: 4, processing: 0, failed: 0, dead: 0 });
    await db.query(sql.requeue, [['evt_a'], true]);
    await expectCounts(db, tables, { queued: 5, processing: 0, failed: 0, dead: 0 });

    // Retention deletes done, discarded and dead events only.
    await db.query(sql.claimFree, ['evt_a', 'token_again', 60_000]);
    await settle('evt_a', 'dead', 'token_again');
    await db.query(sql.claimFree, ['evt_b', 'token_again', 60_000]);
    await settle('evt_b', 'done', 'token_again');
    await expectCounts(db, tables, { queued: 3, processing: 0, failed: 0, dead: 1 });
    const { rows } = await db.query(sql.purge, [new Date(Date.now() + 3_600_000)]);
    expect(rows).toEqual([{ purged: 3 }]);
    await expectCounts(db, tables, { queued: 3, processing: 0, failed: 0, dead: 0 });

    await db.query(`TRUNCATE ${tables.events}`);
    await expectCounts(db, tables, { queued: 0, processing: 0, failed: 0, dead: 0 });
  });

  it('the moves are folded into the counts as they come, and the counts stay exact', async () => {
    const { db, name } = await open();
    const tables = tablesFor(name('folds'));
    const sql = eventLogStatements(tables);
    await db.query(ensure(tables));
    // Three statements per event: 3 * 200 statements fold at least twice.
    for (let index = 0; index < 200; index++) {
      const id = `evt_${index}`;
      await db.query(sql.insert, eventRow(id));
      await db.query(sql.claimFree, [id, `token_${id}`, 60_000]);
      if (index % 4 !== 0) await db.query(sql.settle, [id, `token_${id}`, index % 4 === 1 ? 'failed' : 'done', '{}']);
    }
    await expectCounts(db, tables, { queued: 0, processing: 50, failed: 50, dead: 0 });
    // What is left to sum is what the statements since the last fold appended: two moves at most each.
    expect(await movesLeft(db, tables)).toBeLessThan(2 * foldEvery);
    const { rows } = await db.query(`SELECT sum(n)::int AS n FROM ${beside(tables, 'counts')}`);
    expect(Number((rows[0] as { n: number }).n)).toBeGreaterThan(0);

    // A replay of many events in one statement, folded with the rest.
    await db.query(sql.requeue, [Array.from({ length: 200 }, (_, index) => `evt_${index}`), true]);
    await expectCounts(db, tables, { queued: 150, processing: 50, failed: 0, dead: 0 });
  });

  it('a log whose counters an earlier version kept is taken over with exact counts, and stays so during a rolling upgrade', async () => {
    const { db, name } = await open();
    const tables = tablesFor(name('upgraded'));
    const sql = eventLogStatements(tables);
    await db.query(`DO $$ BEGIN ${eventLogSchema(tables).join('; ')}; ${earlierHealthCountersStatement(tables)}; END $$`);
    const settle = (id: string, status: string) => db.query(sql.settle, [id, `token_${id}`, status, '{}']);
    for (const id of ['evt_a', 'evt_b', 'evt_c', 'evt_d', 'evt_e']) await db.query(sql.insert, eventRow(id));
    for (const id of ['evt_a', 'evt_b', 'evt_c']) await db.query(sql.claimFree, [id, `token_${id}`, 60_000]);
    await settle('evt_a', 'failed');
    await settle('evt_b', 'dead');
    // Before the upgrade, health (of that version) read the counts table alone.
    const { rows } = await db.query(`SELECT status, sum(n)::int AS n FROM ${beside(tables, 'counts')} GROUP BY status ORDER BY status`);
    expect(rows).toEqual([
      { status: 'dead', n: 1 },
      { status: 'failed', n: 1 },
      { status: 'processing', n: 1 },
      { status: 'queued', n: 2 },
    ]);

    await Promise.all([db.query(ensure(tables)), db.query(ensure(tables))]);
    await db.query(ensure(tables));
    await expectCounts(db, tables, { queued: 2, processing: 1, failed: 1, dead: 1 });
    // The new triggers count: moves are appended.
    await settle('evt_c', 'done');
    expect(await movesLeft(db, tables)).toBe(1);
    await expectCounts(db, tables, { queued: 2, processing: 0, failed: 1, dead: 1 });

    // A process of the earlier version starting now finds its triggers' names and leaves them be.
    await db.query(`DO $$ BEGIN ${earlierHealthCountersStatement(tables)}; END $$`);
    await db.query(sql.insert, eventRow('evt_f'));
    await db.query(sql.requeue, [['evt_a', 'evt_b'], false]);
    await expectCounts(db, tables, { queued: 5, processing: 0, failed: 0, dead: 0 });
  });

  it('a log made before the counters gets them, counted once, however many processes start; a new log its own', async () => {
    const { db, name } = await open();
    const tables = tablesFor(name('earlier'));
    // The layout an earlier version created: the tables and indexes, no counters.
    await db.query(`DO $$ BEGIN ${eventLogSchema(tables).join('; ')}; END $$`);
    const statuses = ['queued', 'queued', 'queued', 'processing', 'failed', 'failed', 'dead', 'done', 'done', 'discarded'];
    for (const [index, status] of statuses.entries()) {
      await db.query(`INSERT INTO ${tables.events} (event_id, type, created, payload, status) VALUES ($1, 'invoice.paid', 1, '{}', $2)`, [`evt_${index}`, status]);
    }
    await Promise.all([db.query(ensure(tables)), db.query(ensure(tables))]);
    await db.query(ensure(tables));
    await expectCounts(db, tables, { queued: 3, processing: 1, failed: 2, dead: 1 });
    await db.query(eventLogStatements(tables).insert, eventRow('evt_new'));
    await expectCounts(db, tables, { queued: 4, processing: 1, failed: 2, dead: 1 });

    // A log dropped and created again starts from its own counts, not the old table's.
    await db.query(`DROP TABLE ${tables.events}, ${tables.objects}`);
    await db.query(ensure(tables));
    await db.query(eventLogStatements(tables).insert, eventRow('evt_again'));
    await expectCounts(db, tables, { queued: 1, processing: 0, failed: 0, dead: 0 });
  });
}

describe('health counters on PGlite', () => {
  const db = new PGlite();
  afterAll(() => db.close());
  let count = 0;
  countsContract(async () => ({ db: toSqlDatabase(db), name: (base) => `${base}_${++count}` }), true);

  // PGlite runs no autovacuum: moves deleted by each fold would keep their space, and health would
  // scan all of it.
  it('the table of moves gives its space back at each fold', async () => {
    const client = toSqlDatabase(db);
    const tables = tablesFor(`space_${++count}`);
    const sql = eventLogStatements(tables);
    await client.query(ensureEventLogStatement(tables, true));
    // 1,500 statements: about six folds.
    for (let index = 0; index < 500; index++) {
      const id = `evt_${index}`;
      await client.query(sql.insert, eventRow(id));
      await client.query(sql.claimFree, [id, `token_${id}`, 60_000]);
      await client.query(sql.settle, [id, `token_${id}`, 'done', '{}']);
    }
    await expectCounts(client, tables, { queued: 0, processing: 0, failed: 0, dead: 0 });
    const { rows } = await client.query(`SELECT pg_relation_size('${beside(tables, 'count_moves')}')::int AS bytes`);
    // What the statements since the last fold appended: at most a few pages, never the history.
    expect(Number((rows[0] as { bytes: number }).bytes)).toBeLessThanOrEqual(4 * 8192);
  });
});

describe.skipIf(!postgres)('health counters on PostgreSQL', () => {
  const schema = uniqueName('hcount');
  const pool = new pg.Pool({ connectionString: pgUrl, max: 8 });
  beforeAll(() => pool.query(`CREATE SCHEMA ${schema}`));
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });
  countsContract(async () => ({ db: toSqlDatabase(pool), name: (base) => `${schema}.${base}` }), false);

  it('concurrent workers claiming, settling and replaying the same events keep the counts exact', async () => {
    const tables = tablesFor(`${schema}.concurrent`);
    const sql = eventLogStatements(tables);
    await pool.query(ensureEventLogStatement(tables));
    const ids = Array.from({ length: 80 }, (_, index) => `evt_${String(index).padStart(3, '0')}`);
    // Eight workers race for every event, each in its own order; whoever claims an event settles
    // it: done when its number is even, failed otherwise, so the outcome does not depend on who won.
    const worker = async (offset: number) => {
      for (let step = 0; step < ids.length; step++) {
        const id = ids[(step * 7 + offset * 15) % ids.length]!;
        await pool.query(sql.insert, eventRow(id));
        const token = `token_${offset}_${id}`;
        const { rows } = await pool.query(sql.claimFree, [id, token, 60_000]);
        if (rows.length === 1) await pool.query(sql.settle, [id, token, Number(id.slice(4)) % 2 === 0 ? 'done' : 'failed', '{}']);
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, offset) => worker(offset)));
    await expectCounts(pool, tables, { queued: 0, processing: 0, failed: 40, dead: 0 });

    // Replays of overlapping halves, in opposite orders, while workers take the events again.
    const replay = (part: string[]) => pool.query(sql.requeue, [part, true]);
    await Promise.all([replay(ids.slice(0, 50)), replay(ids.slice(30).reverse()), worker(3), worker(5)]);
    const { health, log } = await countsOf(pool, tables);
    expect(health).toEqual(log);
    expect(log.queued + log.failed + log.processing).toBeGreaterThan(0);
  });

  it('workers neither wait for nor skew the counts of a replay left open, even one holding the right to fold', async () => {
    const tables = tablesFor(`${schema}.open_replay`);
    const sql = eventLogStatements(tables);
    await pool.query(ensureEventLogStatement(tables));
    const replayed = Array.from({ length: 40 }, (_, index) => `evt_old_${index}`);
    for (const id of replayed) {
      await pool.query(sql.insert, eventRow(id));
      await pool.query(sql.claimFree, [id, `token_${id}`, 60_000]);
      await pool.query(sql.settle, [id, `token_${id}`, 'failed', '{}']);
    }
    const replay = await pool.connect();
    try {
      await replay.query('BEGIN');
      // The replay's statement takes a multiple of foldEvery from the sequence: it folds, and holds
      // the right to fold until it commits.
      await replay.query(`SELECT setval('${beside(tables, 'count_folds')}', ${foldEvery - 1})`);
      await replay.query(sql.requeue, [replayed, false]);
      // Meanwhile workers store, claim and settle other events, more than foldEvery statements:
      // with counter rows the replay locked, the first of them would wait for its COMMIT.
      for (let index = 0; index < 120; index++) {
        const id = `evt_new_${index}`;
        await pool.query(sql.insert, eventRow(id));
        await pool.query(sql.claimFree, [id, `token_${id}`, 60_000]);
        await pool.query(sql.settle, [id, `token_${id}`, index % 2 === 0 ? 'done' : 'dead', '{}']);
      }
      await expectCounts(pool, tables, { queued: 0, processing: 0, failed: 40, dead: 60 });
      await replay.query('COMMIT');
    } finally {
      replay.release();
    }
    await expectCounts(pool, tables, { queued: 40, processing: 0, failed: 0, dead: 60 });
    // The next fold takes everything committed since.
    await pool.query(`SELECT setval('${beside(tables, 'count_folds')}', ${10 * foldEvery - 1})`);
    await pool.query(sql.insert, eventRow('evt_last'));
    expect(await movesLeft(pool, tables)).toBe(0);
    await expectCounts(pool, tables, { queued: 41, processing: 0, failed: 0, dead: 60 });
  });

  it('a move in a repeatable read transaction does not fold, so a fold committed since its snapshot cannot fail it', async () => {
    const tables = tablesFor(`${schema}.isolation`);
    const sql = eventLogStatements(tables);
    await pool.query(ensureEventLogStatement(tables));
    await pool.query(sql.insert, eventRow('evt_a'));
    const client = await pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await client.query(`SELECT count(*) FROM ${beside(tables, 'count_moves')}`);
      // Another writer folds, deleting moves this transaction's snapshot still sees.
      await pool.query(`SELECT setval('${beside(tables, 'count_folds')}', ${foldEvery - 1})`);
      await pool.query(sql.insert, eventRow('evt_b'));
      expect(await movesLeft(pool, tables)).toBe(0);
      await client.query(`SELECT setval('${beside(tables, 'count_folds')}', ${2 * foldEvery - 1})`);
      await client.query(sql.insert, eventRow('evt_c'));
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await movesLeft(pool, tables)).toBe(1);
    await expectCounts(pool, tables, { queued: 3, processing: 0, failed: 0, dead: 0 });
  });
});
