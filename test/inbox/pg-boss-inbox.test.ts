// The inbox contract on pg-boss (10 on Node 20; the current major where Node >= 22, see
// pg-boss-current.test.ts), on PGlite and on PostgreSQL.
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { startInboxWorker } from '../../src/inbox/start-inbox-worker.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { serviceAvailable } from '../support/services.js';
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
    // pg-boss 10 pauses for the interval after every fetch, even one that found a job: without the
    // worker's nudge, one slot would run one job a minute and the last of three would come after
    // two minutes, far past statusOf's 20 s.
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
