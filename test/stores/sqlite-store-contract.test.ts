// The store contract over real SQLite database files. Each `open()` is its own connection to one
// file, as separate processes would hold. Node 20 runs it over better-sqlite3; Node 22.13 and
// later over the built-in node:sqlite (CI runs the suite on both).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { sqliteStore, type SqliteStore } from '../../src/stores/sqlite-store.js';
import { storeContract, type StoreSubject } from './store-contract.js';
import { betterSqlite3Prefix, hasNodeSqlite, opener, type OpenDatabase } from './sqlite/sqlite-drivers.js';

const driver = hasNodeSqlite() ? 'node:sqlite' : 'better-sqlite3';

describe(`sqliteStore over ${driver} meets the store contract`, () => {
  const table = 'webhook_events';
  const connections: OpenDatabase[] = [];
  let folder: string;
  let open: (file: string) => OpenDatabase;
  let file: string;
  let reader: OpenDatabase;
  const connect = () => {
    const db = open(file);
    connections.push(db);
    return db;
  };
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'swk-sqlite-'));
    file = join(folder, 'webhooks.db');
    open = opener(driver, driver === 'better-sqlite3' ? betterSqlite3Prefix() : undefined);
    reader = connect();
  }, 600_000);
  afterAll(() => {
    for (const db of connections) db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  storeContract(
    (): StoreSubject => ({
      open: (options) => sqliteStore(connect(), { table, ...options }),
      stored: async (eventId) => reader.prepare(`SELECT 1 FROM ${table} WHERE event_id = ?`).all(eventId as never).length === 1,
      cleanup: (store) => (store as SqliteStore).cleanup(),
    }),
    { separateInstances: true, needsCleanup: true },
  );
});
