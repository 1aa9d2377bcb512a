// Exactly-once effects: with postgresStore(client, { transactional: true }) the handler's write
// through ctx.db and the event's done mark commit together or not at all. The write is a plain
// `n = n + 1`, so any second application would show.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresClient } from '../../src/stores/postgres-store.js';
import { counterTableSql, startCounterWebhook, type CounterWebhook } from '../support/counter-webhook.js';
import { signedDelivery } from '../support/deliveries.js';
import { dropTables } from '../support/service-cleanup.js';
import { pgUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { waitUntil } from '../support/wait-until.js';

const postgres = await serviceAvailable('PostgreSQL');

interface Setup {
  client: PostgresClient;
  /** A second session to look from, when the database has one (not PGlite: one session only). */
  observer?: PostgresClient;
  close(): Promise<void>;
}

const databases: Array<[string, boolean, () => Promise<Setup>]> = [
  [
    'PostgreSQL, pg Pool',
    postgres,
    async () => {
      const pool = new pg.Pool({ connectionString: pgUrl, max: 8 });
      pool.on('error', () => undefined);
      const observer = new pg.Pool({ connectionString: pgUrl, max: 2 });
      return { client: pool, observer, close: async () => void (await Promise.all([pool.end(), observer.end()])) };
    },
  ],
  [
    'PostgreSQL, pg Client',
    postgres,
    async () => {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      const observer = new pg.Pool({ connectionString: pgUrl, max: 2 });
      return { client, observer, close: async () => void (await Promise.all([client.end(), observer.end()])) };
    },
  ],
  ['PGlite', true, async () => {
    const db = new PGlite();
    return { client: db, close: () => db.close() };
  }],
];

describe.each(databases)('transactional postgresStore on %s', (_name, available, open) => {
  const counters = uniqueName('counter');
  const events = uniqueName('events');
  let setup: Setup;
  let webhook: CounterWebhook;

  beforeAll(async () => {
    if (!available) return;
    setup = await open();
    await setup.client.query(counterTableSql(counters));
    const store = postgresStore(setup.client, { table: events, transactional: true, logger: false });
    webhook = await startCounterWebhook({ store, table: counters, handlerTimeoutMs: 1_000 });
  });
  afterAll(async () => {
    if (!available) return;
    await webhook.close();
    if (setup.observer instanceof pg.Pool) await dropTables(setup.observer, [counters, events]);
    await setup.close();
  });

  async function newEvent() {
    const delivery = signedDelivery('checkout.session.completed');
    await setup.client.query(`INSERT INTO ${counters} (id) VALUES ($1)`, [delivery.event.id]);
    return delivery;
  }
  const send = (delivery: ReturnType<typeof signedDelivery>) =>
    fetch(webhook.url, { method: 'POST', headers: delivery.headers, body: delivery.body }).then(async (response) => ({ status: response.status, body: await response.text() }));
  /** The counter and the event's state, read together in one statement. */
  async function both(eventId: string, from = setup.observer ?? setup.client): Promise<{ n: number; state: string | null }> {
    const { rows } = await from.query(
      `SELECT c.n, e.state FROM ${counters} c LEFT JOIN "${events}" e ON e.event_id = c.id WHERE c.id = $1`,
      [eventId],
    );
    return rows[0] as { n: number; state: string | null };
  }

  it.runIf(available)('applies a non-idempotent write once for 5 concurrent duplicate deliveries', async () => {
    const delivery = await newEvent();
    const answers = await Promise.all(Array.from({ length: 5 }, () => send(delivery)));
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
    await waitUntil('the event is done', async () => (await both(delivery.event.id)).state === 'done');
    expect(await both(delivery.event.id)).toEqual({ n: 1, state: 'done' });
    // A later duplicate changes nothing either.
    expect((await send(delivery)).status).toBe(200);
    expect(await both(delivery.event.id)).toEqual({ n: 1, state: 'done' });
  });

  it.runIf(available)('rolls back the write of a handler that throws after it, answers 500, and runs again on the retry', async () => {
    const delivery = await newEvent();
    webhook.plans.set(delivery.event.id, { fail: true });
    const failed = await send(delivery);
    expect(failed.status).toBe(500);
    expect(await both(delivery.event.id)).toEqual({ n: 0, state: null });
    webhook.plans.delete(delivery.event.id);
    expect((await send(delivery)).status).toBe(200);
    expect(await both(delivery.event.id)).toEqual({ n: 1, state: 'done' });
  });

  it.runIf(available)('commits nothing of a handler that timed out, even what it writes after the deadline', async () => {
    const delivery = await newEvent();
    let letGo = () => {};
    let late: unknown;
    webhook.plans.set(delivery.event.id, {
      hold: new Promise<void>((resolve) => (letGo = resolve)),
      lateQuery: (outcome) => (late = outcome),
    });
    const answer = await send(delivery);
    expect(answer).toEqual({ status: 500, body: '{"error":"handler_timeout"}' });
    letGo();
    await waitUntil('the late query was refused', () => late !== undefined);
    expect(late).toMatchObject({ code: 'transaction_closed' });
    // The claim is released once the transaction rolled back, so Stripe's retry runs at once.
    await waitUntil('the event is released', async () => (await both(delivery.event.id)).state === null);
    expect(await both(delivery.event.id)).toEqual({ n: 0, state: null });
    webhook.plans.delete(delivery.event.id);
    expect((await send(delivery)).status).toBe(200);
    expect(await both(delivery.event.id)).toEqual({ n: 1, state: 'done' });
  });

  // PGlite has one session, which the transaction holds: there is no other to look from.
  if (_name !== 'PGlite') it.runIf(available)('shows the write and the done mark together or not at all, seen from another session', async () => {
    const delivery = await newEvent();
    let commit = () => {};
    let written = () => {};
    const wrote = new Promise<void>((resolve) => (written = resolve));
    webhook.plans.set(delivery.event.id, { written, hold: new Promise<void>((resolve) => (commit = resolve)) });
    const answering = send(delivery);
    await wrote;
    // Written but not committed: another session sees neither the write nor the mark.
    expect(await both(delivery.event.id)).toEqual({ n: 0, state: 'in_progress' });
    const seen = new Set<string>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const row = await both(delivery.event.id);
        seen.add(`${row.n}:${row.state}`);
      }
    })();
    commit();
    expect((await answering).status).toBe(200);
    await waitUntil('the watcher saw the commit', () => seen.has('1:done'));
    watching = false;
    await watcher;
    expect([...seen].every((pair) => pair === '0:in_progress' || pair === '1:done')).toBe(true);
  });
});

describe('transactional postgresStore options', () => {
  it('refuses a client that cannot hold a transaction open', () => {
    const queryOnly = { query: async () => ({ rows: [] }) };
    expect(() => postgresStore(queryOnly, { transactional: true })).toThrow(/needs a pg Pool, a pg Client or a PGlite instance/);
  });

  it('has runInTransaction only when transactional is on', async () => {
    const db = new PGlite();
    try {
      expect(postgresStore(db).runInTransaction).toBeUndefined();
      expect(typeof postgresStore(db, { transactional: true }).runInTransaction).toBe('function');
    } finally {
      await db.close();
    }
  });
});
