// pgBossInbox({ transactional: true }) on real PostgreSQL, with the pg-boss major of this Node (10 on
// Node 20; the current major on Node 22+, which pg-boss-current-major.test.ts runs from Node 20):
// the handler's write through ctx.db, the event's done mark and the pg-boss job's completion commit
// in one transaction. The write is a plain `n = n + 1`, so a second application would show.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { startInboxWorker, type InboxWorker } from '../../src/inbox/start-inbox-worker.js';
import type { Inbox } from '../../src/inbox/types.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { createTestEvent } from '../../src/entries/testing.js';
import { pgUrl, serviceAvailable } from '../support/services.js';
import { waitUntil } from '../support/wait-until.js';
import { pgBossMajor, startPgBossOnPostgres, type PgBossSetup } from '../support/pg-boss-engines.js';
import { transactionalInboxOptions, type CrashWorkerConfig } from './processes/transactional-inbox-options.js';

const postgres = await serviceAvailable('PostgreSQL');
const crashWorkerFile = fileURLToPath(new URL('./processes/transactional-crash-worker.ts', import.meta.url));

interface Seen {
  n: number;
  status: string | null;
  /** The states of the event's pg-boss jobs, in order of creation. */
  jobs: string[];
  /** The output of its completed jobs: the inbox's own completion writes `{ eventId, status }`. */
  outputs: unknown[];
}

describe.skipIf(!postgres)(`pgBossInbox({ transactional: true }) on pg-boss ${pgBossMajor} and PostgreSQL`, () => {
  let setup: PgBossSetup;
  let config: CrashWorkerConfig;
  let inbox: Inbox;
  let observer: pg.Pool;
  const workers: InboxWorker[] = [];

  beforeAll(async () => {
    // pg-boss 12 fails expired jobs (for a retry) on its supervise and monitor passes, 60 s apart by
    // default; pg-boss 10 on its maintenance, which the shared setup already runs every second.
    setup = await startPgBossOnPostgres(pgUrl, pgBossMajor, { superviseIntervalSeconds: 1, monitorIntervalSeconds: 1 });
    const schema = setup.table.split('.')[0] as string;
    config = { url: pgUrl, schema, table: `${schema}.tx_events`, counters: `${schema}.counters` };
    observer = new pg.Pool({ connectionString: pgUrl, max: 2 });
    await observer.query(`CREATE TABLE ${config.counters} (id text PRIMARY KEY, n integer NOT NULL DEFAULT 0)`);
    inbox = pgBossInbox(setup.boss, { db: setup.db, ...transactionalInboxOptions(config) });
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await observer?.end();
    await setup?.close();
  });

  /** The counter, the event's status and its jobs, read in one statement (one snapshot). */
  async function seen(eventId: string): Promise<Seen> {
    const { rows } = await observer.query(
      `SELECT c.n, e.status,
              (SELECT coalesce(array_agg(j.state::text ORDER BY j.created_on), '{}') FROM ${config.schema}.job j WHERE j.data->>'eventId' = c.id) AS jobs,
              (SELECT coalesce(jsonb_agg(j.output), '[]') FROM ${config.schema}.job j WHERE j.data->>'eventId' = c.id AND j.state = 'completed') AS outputs
       FROM ${config.counters} c LEFT JOIN ${config.table} e ON e.event_id = c.id WHERE c.id = $1`,
      [eventId],
    );
    return rows[0] as Seen;
  }

  async function newEvent() {
    const event = createTestEvent('checkout.session.completed');
    await observer.query(`INSERT INTO ${config.counters} (id) VALUES ($1)`, [event.id]);
    return event;
  }

  /** A worker in this process; `inside` runs after the write, inside the transaction. */
  function startWorker(runs: string[], inside?: (eventId: string) => Promise<void>) {
    const router = createWebhookRouter().onAny(async (event, ctx) => {
      runs.push(event.id);
      await ctx.db?.query(`UPDATE ${config.counters} SET n = n + 1 WHERE id = $1`, [event.id]);
      await inside?.(event.id);
    });
    const worker = startInboxWorker({ inbox, router, logger: false });
    workers.push(worker);
    return worker;
  }

  it("commits the handler's write, the done mark and the job's completion together; a redelivered job runs nothing", async () => {
    const event = await newEvent();
    await inbox.enqueue(event);
    const runs: string[] = [];
    let before: Seen | undefined;
    const worker = startWorker(runs, async (eventId) => {
      // Written but not committed: another session sees none of the three.
      before = await seen(eventId);
    });
    await waitUntil('the event is done', async () => (await seen(event.id)).status === 'done', 30_000);
    expect(before).toEqual({ n: 0, status: 'processing', jobs: ['active'], outputs: [] });
    // Completed by the inbox inside the transaction (its output), not by pg-boss afterwards.
    expect(await seen(event.id)).toEqual({ n: 1, status: 'done', jobs: ['completed'], outputs: [{ eventId: event.id, status: 'done' }] });

    // The same event's job delivered again after the commit (an engine retry, a duplicate send).
    await setup.boss.send(inbox.queue, { eventId: event.id, generation: 0 });
    await waitUntil('the second job is completed', async () => (await seen(event.id)).jobs.every((state) => state === 'completed') && (await seen(event.id)).jobs.length === 2, 30_000);
    await worker.stop();
    expect(runs).toEqual([event.id]);
    expect((await seen(event.id)).n).toBe(1);
  }, 60_000);

  it('rolls back a worker SIGKILLed between the write and the COMMIT; pg-boss redelivers the job and the write lands once', async () => {
    const event = await newEvent();
    await inbox.enqueue(event);
    const child = spawn(process.execPath, ['--import', 'tsx', crashWorkerFile], { env: { ...process.env, CRASH_WORKER_CONFIG: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    try {
      await waitUntil('the crash worker made its write', () => output.includes(`wrote ${event.id}`), 60_000);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // Nothing of the killed transaction is visible: no write, no done mark, the job still active.
    expect(await seen(event.id)).toEqual({ n: 0, status: 'processing', jobs: ['active'], outputs: [] });

    const runs: string[] = [];
    const worker = startWorker(runs);
    await waitUntil('the event is done after the redelivery', async () => (await seen(event.id)).status === 'done', 60_000);
    await worker.stop();
    const after = await seen(event.id);
    expect(runs).toEqual([event.id]);
    expect(after.n).toBe(1);
    expect(after.status).toBe('done');
    // The killed attempt's job was redelivered (or its redelivery deferred to a new job while the
    // claim's lease ran): whichever ran last was completed with the event.
    expect(after.outputs).toContainEqual({ eventId: event.id, status: 'done' });
  }, 120_000);
});
