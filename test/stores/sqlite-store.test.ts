// What the SQLite store does beyond the shared contract: the objects it refuses and how it says
// so, its table name check, the errors of a closed database, a dropped table made again, ids
// SQLite would otherwise merge, and the busy timeout it sets. Over better-sqlite3 on Node 20,
// node:sqlite on Node 22.13 and later.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteStore, type SqliteDatabase } from '../../src/stores/sqlite-store.js';
import { storeError } from '../support/store-error.js';
import { betterSqlite3Prefix, hasNodeSqlite, opener, type OpenDatabase } from './sqlite/sqlite-drivers.js';

const driver = hasNodeSqlite() ? 'node:sqlite' : 'better-sqlite3';

describe('sqliteStore refuses what it cannot use, saying what to pass', () => {
  it.each([
    ['null', null, /got null/],
    ['a string', 'webhooks.db', /got string/],
    ['a Promise', Promise.resolve({}), /await the database first/],
    ['the sqlite3 package', { prepare() {}, exec() {}, parallelize() {}, serialize() {} }, /sqlite3 package's Database is not supported/],
    ['an object without prepare', {}, /no prepare\(\) method/],
  ])('%s', (_name, value, message) => {
    expect(() => sqliteStore(value as unknown as SqliteDatabase)).toThrow(message);
    expect(() => sqliteStore(value as unknown as SqliteDatabase)).toThrow(/env\.DB/);
  });

  it('refuses a table name that is not a plain identifier', () => {
    const db = { prepare() {}, exec() {} } as unknown as SqliteDatabase;
    for (const table of ['events; DROP TABLE users', '1events', 'main.events', 'x'.repeat(64)]) {
      expect(() => sqliteStore(db, { table }), table).toThrow(/sqliteStore: `table` must be letters, digits and underscores/);
    }
    expect(() => sqliteStore(db, { retentionMs: 0 })).toThrow(RangeError);
  });
});

describe(`sqliteStore over ${driver}`, () => {
  let folder: string;
  let open: (file: string) => OpenDatabase;
  let file: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'swk-sqlite-unit-'));
    file = join(folder, 'webhooks.db');
    open = opener(driver, driver === 'better-sqlite3' ? betterSqlite3Prefix() : undefined);
  }, 600_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('names its driver, and refuses a lease that is not a positive duration', async () => {
    const db = open(file);
    const store = sqliteStore(db);
    expect(store.driver).toBe(driver);
    expect(store.table).toBe('stripe_webhook_events');
    await expect(store.claim('evt_lease', 0)).rejects.toThrow(RangeError);
    db.close();
  });

  it('fails with not_connected, naming the table, once the database is closed', async () => {
    const db = open(file);
    const store = sqliteStore(db, { table: 'closed_events' });
    await store.ready();
    db.close();
    const error = await storeError(store.claim('evt_closed', 60_000));
    expect(error.store).toBe('sqlite');
    expect(error.code).toBe('not_connected');
    expect(error.message).toMatch(/closed_events.*Keep it open/);
  });

  it('makes the table again when it was dropped after its first use', async () => {
    const [db, admin] = [open(file), open(file)];
    const store = sqliteStore(db, { table: 'dropped_events' });
    expect(await store.claim('evt_before_drop', 60_000)).toBe('claimed');
    admin.exec('DROP TABLE dropped_events');
    expect(await store.claim('evt_after_drop', 60_000)).toBe('claimed');
    db.close();
    admin.close();
  });

  it('keeps ids apart that SQLite would merge (lone surrogates, U+0000)', async () => {
    const db = open(file);
    const store = sqliteStore(db, { table: 'odd_ids' });
    for (const eventId of ['evt_\uD800', 'evt_\uD801', 'evt_\u0000a', 'evt_\u0000b', 'evt_']) expect(await store.claim(eventId, 60_000), JSON.stringify(eventId)).toBe('claimed');
    db.close();
  });

  it('sets a busy timeout on a connection without one, and keeps one the app set', async () => {
    const busyTimeout = (db: OpenDatabase) => Object.values(db.prepare('PRAGMA busy_timeout').all()[0] as object)[0];
    const [none, own] = [open(file), open(file)];
    none.exec('PRAGMA busy_timeout = 0');
    own.exec('PRAGMA busy_timeout = 1234');
    await sqliteStore(none).ready();
    await sqliteStore(own).ready();
    expect(busyTimeout(none)).toBe(5000);
    expect(busyTimeout(own)).toBe(1234);
    none.close();
    own.close();
  });
});
