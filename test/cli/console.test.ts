// `stripe-webhook-kit console` in process against the source: it opens the inbox from a URL, serves
// the console on a port, answers loopback clients, and closes everything when stopped (Ctrl-C).
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutputStream } from '../../src/cli/colors.js';
import { consoleCommand } from '../../src/cli/console.js';
import { bullmqInbox } from '../../src/inbox/bullmq/bullmq-inbox.js';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import type { Inbox } from '../../src/inbox/types.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { startPgBossOnPostgres, type PgBossSetup } from '../support/pg-boss-engines.js';
import { runCli } from '../support/run-cli.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { pgUrl, redisUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { waitUntil } from '../support/wait-until.js';
import { ConsoleClient } from '../console/console-client.js';

const postgres = await serviceAvailable('PostgreSQL');
const redis = await serviceAvailable('Redis');

/** Runs the command until the test stops it; resolves its URL and a stop() that resolves the exit code. */
async function startConsole(args: string[]) {
  let stdout = '';
  let stderr = '';
  const stream = (write: (text: string) => void): OutputStream => ({ write, isTTY: false });
  let stop = () => undefined as void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const exit = consoleCommand(args, { stdout: stream((text) => (stdout += text)), stderr: stream((text) => (stderr += text)), stdin: (async function* () {})(), env: {} }, () => stopped);
  let failed: unknown;
  exit.catch((error: unknown) => (failed = error));
  await waitUntil('the console to print its URL', () => failed !== undefined || stdout.includes('http://'), 30_000);
  if (failed) throw failed;
  const url = /http:\/\/\S+?\/ /.exec(stdout)?.[0].trim().replace(/\/$/, '') as string;
  return { url, output: () => stdout + stderr, stop: async () => (stop(), exit) };
}

async function exercise(inbox: Inbox, target: string[]) {
  const event = createTestEvent('checkout.session.completed');
  await inbox.enqueue(event);
  const running = await startConsole([...target, '--port', '0']);
  expect(running.output()).toMatch(/^console: http:\/\/127\.0\.0\.1:\d+\/ \((pg-boss|bullmq) inbox; Ctrl-C to stop\)\n$/);
  const client = new ConsoleClient(running.url);
  const list = await client.get('/');
  expect(list.status).toBe(200);
  expect(list.text).toContain(event.id);
  const replayed = await client.post('/replay', [['id', event.id], ['confirm', 'yes']]);
  expect(replayed.headers.get('x-replayed-count')).toBe('1');
  expect(await running.stop()).toBe(0);
  expect(running.output()).toMatch(/console: stopped\n$/);
  await expect(fetch(`${running.url}/`)).rejects.toThrow();

  const readOnly = await startConsole([...target, '--port', '0', '--read-only']);
  const refused = new ConsoleClient(readOnly.url);
  await refused.get('/');
  expect((await refused.post('/replay', [['id', event.id], ['confirm', 'yes']])).code).toBe('console_read_only');
  expect(await readOnly.stop()).toBe(0);
}

describe('stripe-webhook-kit console', () => {
  it('shows its help and refuses a bad port or a missing inbox', async () => {
    expect((await runCli(['console', '--help'])).stdout).toContain('Usage: stripe-webhook-kit console');
    expect((await runCli(['--help'])).stdout).toMatch(/console {16}a web page/);
    expect(await runCli(['console', '--port', 'x', '--redis-url', redisUrl])).toMatchObject({ code: 2, stderr: expect.stringContaining('--port must be a port number') });
    expect(await runCli(['console'], { env: { DATABASE_URL: undefined } })).toMatchObject({ code: 2, stderr: expect.stringContaining('missing --database-url') });
  });
});

describe.skipIf(!postgres)('stripe-webhook-kit console on a pg-boss inbox', () => {
  let setup: PgBossSetup;
  afterAll(async () => setup?.close());

  it('serves the console, replays, and stops cleanly', async () => {
    // The CLI loads the project's own `pg-boss` (10 here, on every Node): the schema must be its own.
    setup = await startPgBossOnPostgres(pgUrl, 10);
    const schema = setup.table.split('.')[0] as string;
    const inbox = pgBossInbox(setup.boss, { db: setup.db, table: setup.table, queue: 'console-cli' });
    await exercise(inbox, ['--database-url', pgUrl, '--schema', schema, '--table', setup.table, '--queue', 'console-cli']);
  }, 60_000);
});

describe.skipIf(!redis)('stripe-webhook-kit console on a BullMQ inbox', () => {
  const prefix = uniqueName('bullconsole');
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const inbox = bullmqInbox({ connection, prefix, queue: 'console-cli' });
  afterAll(async () => {
    await inbox.close();
    await deleteKeys(connection, prefix);
    connection.disconnect();
  });

  it('serves the console, replays, and stops cleanly', async () => {
    await exercise(inbox, ['--redis-url', redisUrl, '--prefix', prefix, '--queue', 'console-cli']);
  }, 60_000);
});
