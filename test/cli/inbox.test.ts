// `stripe-webhook-kit inbox ...` against real inboxes: pg-boss on PostgreSQL and BullMQ on Redis.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { bullmqInbox } from '../../src/inbox/bullmq/bullmq-inbox.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import type { Inbox } from '../../src/inbox/types.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { startPgBossOnPostgres, type PgBossSetup } from '../support/pg-boss-engines.js';
import { runCli } from '../support/run-cli.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { pgUrl, redisUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { inboxEngine } from '../../src/inbox/engine.js';

const postgres = await serviceAvailable('PostgreSQL');
const redis = await serviceAvailable('Redis');

/** Two queued events, then list, show, replay and stats through the command. */
async function exercise(inbox: Inbox, target: string[]) {
  const first = createTestEvent('checkout.session.completed', { data: { object: { id: 'cs_cli_1', metadata: { orderId: 'order_cli' } } } } as never);
  const second = createTestEvent('invoice.paid');
  await inbox.enqueue(first);
  await inbox.enqueue(second);

  const stats = await runCli(['inbox', 'stats', ...target, '--json']);
  expect(stats.stderr).toBe('');
  expect(JSON.parse(stats.stdout)).toMatchObject({ queued: 2, done: 0, dead: 0 });

  const list = await runCli(['inbox', 'list', ...target, '--type', 'invoice.paid']);
  expect(list.code).toBe(0);
  expect(list.stdout).toContain(second.id);
  expect(list.stdout).not.toContain(first.id);

  const byOrder = await runCli(['inbox', 'list', ...target, '--order', 'order_cli', '--json']);
  expect(JSON.parse(byOrder.stdout).items).toMatchObject([{ id: first.id, orderId: 'order_cli', objectId: 'cs_cli_1' }]);
  for (const term of [first.id, 'cs_cli_1', 'order_cli']) {
    const found = await runCli(['inbox', 'list', ...target, '--search', term]);
    expect(found.stdout, term).toContain(first.id);
    expect(found.stdout, term).toContain('order_cli');
    expect(found.stdout, term).not.toContain(second.id);
  }
  expect((await runCli(['inbox', 'list', ...target, '--search', 'order_cl'])).stdout.trim()).toBe('no events match');
  expect((await runCli(['inbox', 'list', ...target, '--search', ' '])).code).toBe(2);

  const show = await runCli(['inbox', 'show', first.id, ...target]);
  expect(JSON.parse(show.stdout)).toMatchObject({ id: first.id, status: 'queued', event: { id: first.id } });

  const replay = await runCli(['inbox', 'replay', first.id, ...target]);
  expect(replay.stdout.trim()).toBe('re-queued 1 event');

  // A done event is re-queued only with --include-done: its handlers would run a second time.
  const token = 'cli-replay-done';
  const claim = await inboxEngine(inbox, 'test').claim(second.id, token);
  expect(claim.state).toBe('claimed');
  expect(await inboxEngine(inbox, 'test').settle(second.id, token, { status: 'done', durationMs: 1 })).toBe(true);
  expect((await runCli(['inbox', 'replay', second.id, ...target])).stdout.trim()).toBe('re-queued 0 events');
  expect((await inbox.get(second.id))?.status).toBe('done');
  expect((await runCli(['inbox', 'replay', second.id, ...target, '--include-done', '--json'])).stdout.trim()).toBe('{"replayed":1}');
  expect((await inbox.get(second.id))?.status).toBe('queued');
  expect((await runCli(['inbox', 'show', 'evt_missing', ...target])).code).toBe(1);
  expect((await runCli(['inbox', 'replay', ...target])).code).toBe(2);
}

describe.skipIf(!postgres)('stripe-webhook-kit inbox on a pg-boss inbox', () => {
  let setup: PgBossSetup;
  afterAll(async () => setup?.close());

  it('lists, shows, replays and counts', async () => {
    // The CLI loads the project's own `pg-boss` (10 here, on every Node): the schema must be its own.
    setup = await startPgBossOnPostgres(pgUrl, 10);
    const schema = setup.table.split('.')[0] as string;
    const inbox = pgBossInbox(setup.boss, { db: setup.db, table: setup.table, queue: 'cli' });
    await exercise(inbox, ['--database-url', pgUrl, '--schema', schema, '--table', setup.table, '--queue', 'cli']);
  }, 60_000);
});

describe.skipIf(!redis)('stripe-webhook-kit inbox on a BullMQ inbox', () => {
  const prefix = uniqueName('bullcli');
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const inbox = bullmqInbox({ connection, prefix, queue: 'cli' });
  afterAll(async () => {
    await inbox.close();
    await deleteKeys(connection, prefix);
    connection.disconnect();
  });

  it('lists, shows, replays and counts', async () => {
    await exercise(inbox, ['--redis-url', redisUrl, '--prefix', prefix, '--queue', 'cli']);
  }, 60_000);
});
