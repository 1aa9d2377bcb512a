// The inbox contract on pg-boss (10 on Node 20; the current major where Node >= 22, see
// pg-boss-current.test.ts), on PGlite and on PostgreSQL.
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startInboxWorker } from '../../src/inbox/start-inbox-worker.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { pgUrl, serviceAvailable } from '../support/services.js';
import { inboxContract, statusOf, type InboxSubject } from '../support/inbox-contract.js';
import { pgBossMajor, startPgBossOnPglite, startPgBossOnPostgres, type PgBossSetup } from '../support/pg-boss-engines.js';

const postgres = await serviceAvailable('PostgreSQL');

function subjectOn(start: () => Promise<PgBossSetup>): () => InboxSubject {
  let setup: Promise<PgBossSetup> | undefined;
  let count = 0;
  afterAll(async () => (await setup)?.close());
  return () => ({
    async open(options) {
      const { boss, db, table } = await (setup ??= start());
      count++;
      return pgBossInbox(boss, { db, table: `${table}_${count}`, queue: `inbox-${count}`, pollingIntervalSeconds: 0.5, ...options });
    },
    async broken() {
      const { boss } = await (setup ??= start());
      const refused = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1'));
      return pgBossInbox(boss, { db: { query: refused, connect: refused }, queue: 'inbox-broken' });
    },
  });
}

describe(`pgBossInbox on pg-boss ${pgBossMajor} and PGlite`, () => {
  inboxContract(subjectOn(startPgBossOnPglite));
});

describe.skipIf(!postgres)(`pgBossInbox on pg-boss ${pgBossMajor} and PostgreSQL`, () => {
  inboxContract(subjectOn(() => startPgBossOnPostgres()));
});

describe('pgBossInbox polling on PGlite', () => {
  let setup: PgBossSetup | undefined;
  afterAll(async () => setup?.close());

  it("fetches the next job right after one ends, not after pg-boss's polling interval", async () => {
    setup = await startPgBossOnPglite();
    // An idle slot waits out the interval, a busy one fetches again at once: otherwise one slot
    // would run one job a minute and the last of three would come after two minutes, far past
    // statusOf's 20 s.
    const inbox = pgBossInbox(setup.boss, { db: setup.db, table: 'polling_events', queue: 'polling', pollingIntervalSeconds: 60 });
    const events = ['o_first', 'o_second', 'o_third'].map((orderId) => createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId } } } }));
    for (const event of events) await inbox.enqueue(event);
    const runs: string[] = [];
    const router = createWebhookRouter().onAny((event) => void runs.push(event.id));
    const worker = startInboxWorker({ inbox, router, concurrency: 1, logger: false });
    try {
      for (const event of events) await statusOf(inbox, event.id, 'done');
    } finally {
      await worker.stop();
    }
    expect(runs.sort()).toEqual(events.map((event) => event.id).sort());
  });
});

describe('pgBossInbox({ transactional: true }) on PGlite', () => {
  let setup: PgBossSetup;
  afterAll(async () => setup?.close());

  it("gives handlers ctx.db inside the done mark's transaction: a failed attempt's writes roll back", async () => {
    setup = await startPgBossOnPglite();
    const db = setup.db as PGlite;
    await db.query('CREATE TABLE shipments (order_id text NOT NULL)');
    const inbox = pgBossInbox(setup.boss, { db, table: 'tx_events', queue: 'tx', transactional: true, pollingIntervalSeconds: 0.5, retry: { limit: 2, delaySeconds: 0 } });
    let attempts = 0;
    const router = createWebhookRouter().onAny(async (_event, ctx) => {
      await ctx.db?.query('INSERT INTO shipments (order_id) VALUES ($1)', ['o_tx']);
      if (++attempts === 1) throw new Error('carrier timeout');
    });
    const event = createTestEvent('checkout.session.completed');
    await inbox.enqueue(event);
    const worker = startInboxWorker({ inbox, router, logger: false });
    const done = await statusOf(inbox, event.id, 'done');
    await worker.stop();
    expect(attempts).toBe(2);
    expect(done.attempts.map((attempt) => attempt.error)).toEqual(['Error: carrier timeout', undefined]);
    expect((await db.query('SELECT order_id FROM shipments')).rows).toEqual([{ order_id: 'o_tx' }]);
  });
});

describe("pgBossInbox on pg-boss's job table (PGlite)", () => {
  const setups: PgBossSetup[] = [];
  afterAll(async () => Promise.all(setups.map((setup) => setup.close())));

  it('settles each event in two statements: the claim rides in the fetch, the job completes with the settle', async () => {
    const setup = await startPgBossOnPglite();
    setups.push(setup);
    const raw = setup.db as PGlite;
    const statements: string[] = [];
    // The inbox's own statements, outside transactions (the worker's path makes none).
    const counted = { query: (text: string, params?: unknown[]) => (statements.push(text), raw.query(text, params)), transaction: raw.transaction.bind(raw) };
    const inbox = pgBossInbox(setup.boss, { db: counted, table: 'lean_events', queue: 'lean', pollingIntervalSeconds: 60 });
    const events = ['o_a', 'o_b', 'o_c'].map((orderId) => createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId } } } }));
    for (const event of events) await inbox.enqueue(event);
    const router = createWebhookRouter().onAny(() => undefined);
    statements.length = 0;
    const worker = startInboxWorker({ inbox, router, concurrency: 1, logger: false });
    try {
      await worker.ready;
      for (let tries = 0; tries < 200; tries++) {
        const { rows } = await raw.query<{ done: number }>("SELECT count(*)::int AS done FROM lean_events WHERE status = 'done'");
        if (rows[0]?.done === events.length) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await worker.stop();
    }
    const fetches = statements.filter((text) => text.includes('FOR UPDATE SKIP LOCKED'));
    const settles = statements.filter((text) => text.startsWith('WITH settled AS'));
    const setupReads = statements.filter((text) => /FROM \w+\.(version|queue)\b/.test(text));
    // One fetch per event and the idle slot's empty one; nothing else but reading pg-boss's version.
    expect(settles).toHaveLength(events.length);
    expect(fetches).toHaveLength(events.length + 1);
    expect(statements.length - fetches.length - settles.length - setupReads.length).toBe(0);
    const jobs = await raw.query<{ state: string; output: unknown }>("SELECT state::text, output FROM pgboss.job WHERE name = 'lean' ORDER BY created_on");
    expect(jobs.rows.map((job) => job.state)).toEqual(['completed', 'completed', 'completed']);
    expect(jobs.rows.map((job) => job.output)).toEqual(events.map((event) => ({ eventId: event.id, status: 'done' })));
  }, 90_000);

  it("refuses a pg-boss schema it does not know, and says what to do", async () => {
    const setup = await startPgBossOnPglite();
    setups.push(setup);
    const router = createWebhookRouter().onAny(() => undefined);
    const elsewhere = pgBossInbox(setup.boss, { db: setup.db, table: 'elsewhere_events', queue: 'elsewhere', schema: 'nowhere' });
    await expect(startInboxWorker({ inbox: elsewhere, router, logger: false }).ready).rejects.toThrow(/no pg-boss schema "nowhere" .*Pass `schema`/);
    await (setup.db as PGlite).query('UPDATE pgboss.version SET version = 999');
    const future = pgBossInbox(setup.boss, { db: setup.db, table: 'future_events', queue: 'future' });
    await expect(startInboxWorker({ inbox: future, router, logger: false }).ready).rejects.toThrow(
      /schema "pgboss" is at version 999; the inbox's worker knows versions 24 \(pg-boss 10\) and 46 \(pg-boss 12\)/,
    );
  }, 90_000);
});

describe.skipIf(!postgres)("pgBossInbox's prepared statements on PostgreSQL", () => {
  let setup: PgBossSetup | undefined;
  afterAll(async () => setup?.close());

  it('prepares the worker\'s statements, and runs them as plain queries once the server has lost them', async () => {
    setup = await startPgBossOnPostgres();
    // One connection: what the worker prepared is in this session's pg_prepared_statements.
    const db = new pg.Pool({ connectionString: pgUrl, max: 1 });
    try {
      const inbox = pgBossInbox(setup.boss, { db, table: `${setup.table}_prepared`, queue: 'prepared', pollingIntervalSeconds: 0.5 });
      const router = createWebhookRouter().onAny(() => undefined);
      // Where the worker reports a failed fetch or completion: a refused statement would land here.
      const errors: unknown[] = [];
      setup.boss.on('error', (error) => void errors.push(error));
      const worker = startInboxWorker({ inbox, router, concurrency: 1, logger: false });
      try {
        const first = createTestEvent('checkout.session.completed');
        await inbox.enqueue(first);
        await statusOf(inbox, first.id, 'done');
        const prepared = await db.query<{ statement: string }>("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'swk\\_%'");
        expect(prepared.rows.some((row) => row.statement.includes('FOR UPDATE SKIP LOCKED'))).toBe(true);
        expect(prepared.rows.some((row) => row.statement.startsWith('WITH settled AS'))).toBe(true);
        // As a pooler in transaction mode does (another server session), or an app's DEALLOCATE:
        // pg still believes the statements are prepared, and the server refuses them by name.
        await db.query('DEALLOCATE ALL');
        const later = ['o_later_a', 'o_later_b'].map((orderId) => createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId } } } }));
        for (const event of later) await inbox.enqueue(event);
        for (const event of later) await statusOf(inbox, event.id, 'done');
        expect(errors.map(String)).toEqual([]);
        const attempts = await Promise.all(later.map(async (event) => (await inbox.get(event.id))?.attempts.length));
        expect(attempts).toEqual([1, 1]);
      } finally {
        await worker.stop();
      }
    } finally {
      await db.end();
    }
  }, 90_000);
});
