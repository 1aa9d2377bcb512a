// `stripe-webhook-kit inbox health` against real inboxes (pg-boss on PostgreSQL, BullMQ on Redis):
// its exit code is what a cron job or a CI smoke test reads.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { bullmqInbox } from '../../src/inbox/bullmq/bullmq-inbox.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import type { Inbox } from '../../src/inbox/types.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { eventually } from '../support/inbox-contract.js';
import { runUntilDead } from '../support/run-until-dead.js';
import { startPgBossOnPostgres, type PgBossSetup } from '../support/pg-boss-engines.js';
import { runCli } from '../support/run-cli.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { pgUrl, redisUrl, serviceAvailable, uniqueName } from '../support/services.js';

const postgres = await serviceAvailable('PostgreSQL');
const redis = await serviceAvailable('Redis');

/** An empty inbox, then one event waiting with no worker, then the same event dead. */
async function exercise(inbox: Inbox, target: string[]) {
  const health = (...args: string[]) => runCli(['inbox', 'health', ...target, ...args]);
  const empty = await health();
  expect(empty).toMatchObject({ code: 0, stderr: '' });
  expect(empty.stdout).toMatch(/^ok\nqueued 0 {2}processing 0 {2}failed 0 {2}dead 0\n/);

  const event = createTestEvent('invoice.paid');
  await inbox.enqueue(event);
  const lagging = await eventually('the CLI to report the waiting event', async () => {
    const run = await health('--max-lag', '1ms');
    return run.code === 1 ? run : undefined;
  });
  expect(lagging.stderr).toMatch(/^lagging: the oldest of 1 queued events has waited/m);
  expect(lagging.stderr).toMatch(/^stalled: events wait and none was done ever/m);
  expect(lagging.stdout).toMatch(/^2 problems\nqueued 1 /);
  expect((await health('--max-lag', '1h')).code).toBe(0);

  await runUntilDead(inbox, event.id);
  const dead = await health('--max-lag', '1h', '--max-dead', '0', '--json');
  expect(dead.code).toBe(1);
  expect(JSON.parse(dead.stdout)).toMatchObject({ ok: false, queued: 0, dead: 1, problems: [{ code: 'dead_events' }] });
  expect(dead.stderr).toMatch(/^dead_events: 1 dead events \(more than 0\)/);
  expect((await health('--max-dead', '1')).code).toBe(0);

  for (const wrong of [['--max-lag', 'soon'], ['--max-dead', '-1']]) {
    const run = await health(...wrong);
    expect(run.code, wrong.join(' ')).toBe(2);
    expect(run.stderr, wrong.join(' ')).toContain(wrong[0]);
  }
}

describe.skipIf(!postgres)('stripe-webhook-kit inbox health on a pg-boss inbox', () => {
  let setup: PgBossSetup;
  afterAll(async () => setup?.close());

  it('exits 0 when the inbox keeps up, 1 with the problems, 2 on a wrong option', async () => {
    // The CLI loads the project's own `pg-boss` (10 here, on every Node): the schema must be its own.
    setup = await startPgBossOnPostgres(pgUrl, 10);
    const schema = setup.table.split('.')[0] as string;
    const inbox = pgBossInbox(setup.boss, { db: setup.db, table: setup.table, queue: 'cli-health', retry: { limit: 0 }, pollingIntervalSeconds: 0.5 });
    await exercise(inbox, ['--database-url', pgUrl, '--schema', schema, '--table', setup.table, '--queue', 'cli-health']);
  }, 120_000);
});

describe.skipIf(!redis)('stripe-webhook-kit inbox health on a BullMQ inbox', () => {
  const prefix = uniqueName('bullclihealth');
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const inbox = bullmqInbox({ connection, prefix, queue: 'cli-health', retry: { limit: 0 } });
  afterAll(async () => {
    await inbox.close();
    await deleteKeys(connection, prefix);
    connection.disconnect();
  });

  it('exits 0 when the inbox keeps up, 1 with the problems, 2 on a wrong option', async () => {
    await exercise(inbox, ['--redis-url', redisUrl, '--prefix', prefix, '--queue', 'cli-health']);
  }, 120_000);
});
