// startInboxWorker({ onDead }): called exactly once per dead event across a fleet of worker
// processes on one inbox (pg-boss on PostgreSQL, BullMQ on Redis), with the event and its attempts;
// an onDead that throws or rejects is logged and the worker goes on.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { bullmqInbox } from '../../src/inbox/bullmq/bullmq-inbox.js';
import { startInboxWorker } from '../../src/inbox/start-inbox-worker.js';
import type { Inbox, InboxAttempt, InboxEvent } from '../../src/inbox/types.js';
import { createWebhookRouter } from '../../src/router/create-webhook-router.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { capturingLogger } from '../support/capturing-logger.js';
import { root } from '../support/run-cli.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { pgUrl, redisUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { statusOf } from '../support/inbox-contract.js';
import { runUntilDead } from '../support/run-until-dead.js';
import { startPgBossOnPglite, type PgBossSetup } from '../support/pg-boss-engines.js';

const postgres = await serviceAvailable('PostgreSQL');
const redis = postgres && (await serviceAvailable('Redis'));

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/inbox/processes/dead-letter-worker.ts')], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (/^ready$/m.test(output)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it was ready:\n${output}`)));
  });
}

// As the worker processes: one retry, at once. The ingress's inbox sets the job's retries on BullMQ.
const retry = { limit: 1, delaySeconds: 0, backoff: false };

const stopped = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));

describe.skipIf(!postgres).each([
  { engine: 'pg-boss', skip: false },
  { engine: 'bullmq', skip: !redis },
])('onDead across 3 worker processes on $engine', ({ engine, skip }) => {
  const schema = uniqueName('deadhook');
  const db = new pg.Pool({ connectionString: pgUrl, max: 2 });
  const children: ChildProcess[] = [];
  let inbox: Inbox | undefined;
  let close = async () => undefined as unknown;
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await inbox?.close();
    await close();
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.end();
  });

  it.skipIf(skip)('calls it exactly once per dead event, in one of the workers, with every attempt', async () => {
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(`CREATE TABLE ${schema}.dead_letters (seq bigserial, event_id text NOT NULL, worker int NOT NULL, attempts int NOT NULL, last_error text)`);
    const env = { INBOX_ENGINE: engine, INBOX_SCHEMA: schema, INBOX_DATABASE_URL: pgUrl, INBOX_REDIS_URL: redisUrl, INBOX_EFFECTS_URL: pgUrl };
    // The first creates the schema; the others start once it exists.
    for (let index = 0; index < 3; index++) children.push(await startWorker(env));
    if (engine === 'bullmq') {
      const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
      inbox = bullmqInbox({ connection, prefix: schema, queue: 'dead', retry });
      close = async () => void (await deleteKeys(connection, schema), connection.disconnect());
    } else {
      const { default: PgBoss } = await import('pg-boss');
      const boss = new PgBoss({ connectionString: pgUrl, schema, max: 2, supervise: false, schedule: false });
      boss.on('error', () => undefined);
      await boss.start();
      inbox = pgBossInbox(boss, { table: `${schema}.events`, queue: 'dead', retry });
      close = () => boss.stop({ graceful: false, wait: true });
    }
    const events = Array.from({ length: 12 }, (_, index) => createTestEvent('invoice.payment_failed', { id: `evt_dead_${index}_${schema}` } as never));
    for (const event of events) await inbox.enqueue(event);
    for (const event of events) await statusOf(inbox, event.id, 'dead');
    // A graceful stop waits for the onDead calls in flight: after it, every call has been recorded.
    for (const child of children) child.kill('SIGTERM');
    expect(await Promise.all(children.map(stopped))).toEqual([0, 0, 0]);

    const { rows } = await db.query<{ event_id: string; worker: number; attempts: number; last_error: string }>(`SELECT event_id, worker, attempts, last_error FROM ${schema}.dead_letters ORDER BY event_id`);
    expect(rows.map((row) => row.event_id)).toEqual(events.map((event) => event.id).sort());
    const pids = new Set(children.map((child) => child.pid));
    for (const row of rows) {
      expect(pids.has(row.worker), row.event_id).toBe(true);
      // One retry: two attempts, the last one's error recorded before onDead ran.
      expect(row.attempts, row.event_id).toBe(2);
      expect(row.last_error, row.event_id).toMatch(/^Error: handler failed in \d+$/);
    }
  }, 180_000);
});

describe('onDead that fails', () => {
  let setup: PgBossSetup | undefined;
  afterAll(async () => setup?.close());

  it('is logged, and the worker goes on processing', async () => {
    setup = await startPgBossOnPglite();
    const inbox = pgBossInbox(setup.boss, { db: setup.db, table: 'dead_hook_events', queue: 'dead-hook', retry: { limit: 0 }, pollingIntervalSeconds: 0.5 });
    const [throws, rejects] = [createTestEvent('invoice.payment_failed'), createTestEvent('invoice.payment_failed')];
    const calls: Array<[InboxEvent, InboxAttempt[]]> = [];
    const { logger, lines } = capturingLogger();
    const onDead = (event: InboxEvent, attempts: InboxAttempt[]) => {
      calls.push([event, attempts]);
      if (event.id === throws.id) throw new Error('chat webhook refused');
      return Promise.reject(new Error('chat webhook timed out'));
    };
    for (const event of [throws, rejects]) {
      await inbox.enqueue(event);
      await runUntilDead(inbox, event.id, { onDead, logger });
    }
    expect(calls.map(([event, attempts]) => [event.id, attempts.length])).toEqual([
      [throws.id, 1],
      [rejects.id, 1],
    ]);
    const failures = lines.filter((line) => line.message.startsWith('onDead failed'));
    expect(failures.map((line) => [line.level, line.details?.eventId, line.details?.error])).toEqual([
      ['error', throws.id, 'Error: chat webhook refused'],
      ['error', rejects.id, 'Error: chat webhook timed out'],
    ]);

    const next = createTestEvent('invoice.paid');
    await inbox.enqueue(next);
    const worker = startInboxWorker({ inbox, router: createWebhookRouter(), logger, onDead });
    try {
      await statusOf(inbox, next.id, 'done');
    } finally {
      await worker.stop();
    }
    expect(calls).toHaveLength(2);
  }, 120_000);
});
