// The process dies (SIGKILL) after the handler's write and before the commit: PostgreSQL rolls the
// transaction back by itself, the claim's lease ends, and Stripe's retry applies the write once.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresClient } from '../../../src/stores/postgres-store.js';
import { counterTableSql, startCounterWebhook } from '../../support/counter-webhook.js';
import { signedDelivery } from '../../support/deliveries.js';
import { dropTables } from '../../support/service-cleanup.js';
import { pgUrl, serviceAvailable, uniqueName } from '../../support/services.js';
import { waitUntil } from '../../support/wait-until.js';
import type { CrashWorkerConfig, CrashWorkerMessage } from './crash-worker.js';

const postgres = await serviceAvailable('PostgreSQL');
const workerFile = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const leaseMs = 1_500;

const pgliteDir = mkdtempSync(join(tmpdir(), 'swk-crash-pglite-'));
afterAll(() => rmSync(pgliteDir, { recursive: true, force: true }));

const databases: Array<[string, boolean, string, () => PostgresClient & { close(): Promise<void> }]> = [
  [
    'PostgreSQL',
    postgres,
    pgUrl,
    () => {
      const pool = new pg.Pool({ connectionString: pgUrl });
      return Object.assign(pool, { close: () => pool.end() });
    },
  ],
  ['PGlite on disk', true, `pglite:${pgliteDir}`, () => new PGlite(pgliteDir)],
];

describe.each(databases)('a transactional delivery killed before its commit, on %s', (_name, available, database, open) => {
  it.runIf(available)('is rolled back, and the retry past the lease applies the write once', async () => {
    const config: CrashWorkerConfig = { database, events: uniqueName('events'), counters: uniqueName('counter'), leaseMs };
    const delivery = signedDelivery('checkout.session.completed');
    let db = open();
    await db.query(counterTableSql(config.counters));
    await db.query(`INSERT INTO ${config.counters} (id) VALUES ($1)`, [delivery.event.id]);
    // PGlite is one process's database: the worker may open it only once the test closed it.
    if (database.startsWith('pglite:')) await db.close();

    const child = spawn(process.execPath, ['--import', tsxLoader, workerFile], {
      env: { ...process.env, CRASH_WORKER_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    try {
      const messages: CrashWorkerMessage[] = [];
      child.on('message', (message: CrashWorkerMessage) => messages.push(message));
      await waitUntil('the worker listens', () => messages.some((message) => 'ready' in message), 30_000);
      const url = (messages.find((message) => 'ready' in message) as { url: string }).url;
      const delivering = fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body }).catch(() => 'cut off');
      await waitUntil('the handler wrote', () => messages.some((message) => 'written' in message), 30_000);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      expect(await delivering).toBe('cut off');
    } finally {
      child.kill('SIGKILL');
    }

    if (database.startsWith('pglite:')) db = open();
    const counter = async () => (await db.query(`SELECT n FROM ${config.counters} WHERE id = $1`, [delivery.event.id])).rows[0];
    expect(await counter()).toEqual({ n: 0 });
    const store = postgresStore(db, { table: config.events, transactional: true, logger: false });
    const webhook = await startCounterWebhook({ store, table: config.counters, leaseMs });
    try {
      // Stripe's retry: 409 while the dead process's lease lasts, then it runs.
      let status = 0;
      await waitUntil('the retry ran past the lease', async () => {
        status = (await fetch(webhook.url, { method: 'POST', headers: delivery.headers, body: delivery.body })).status;
        return status !== 409;
      });
      expect(status).toBe(200);
      expect(await counter()).toEqual({ n: 1 });
      expect((await fetch(webhook.url, { method: 'POST', headers: delivery.headers, body: delivery.body })).status).toBe(200);
      expect(await counter()).toEqual({ n: 1 });
    } finally {
      await webhook.close();
      if (db instanceof pg.Pool) await dropTables(db, [config.events, config.counters]);
      await db.close();
    }
  });
});
