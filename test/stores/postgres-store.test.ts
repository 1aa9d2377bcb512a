import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore, postgresStoreSchema, type PostgresClient } from '../../src/stores/postgres-store.js';
import { dropTables } from '../support/service-cleanup.js';
import { pgUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { storeError } from '../support/store-error.js';

const postgres = await serviceAvailable('PostgreSQL');

describe('postgresStore table names', () => {
  const db = new PGlite();
  afterAll(() => db.close());

  it.each(['events; DROP TABLE users', 'events"--', 'a.b.c', '1events', '', 'évents', 'x'.repeat(64), 'public.'])('refuses %j', (table) => {
    expect(() => postgresStore(db, { table })).toThrow(/postgresStore: `table` must be letters, digits and underscores/);
    expect(() => postgresStoreSchema(table)).toThrow(/postgresStore: `table` must be letters, digits and underscores/);
  });

  it('accepts a schema-qualified name and keeps its case', async () => {
    await db.exec('CREATE SCHEMA billing');
    const store = postgresStore(db, { table: 'billing.Webhook_Events' });
    expect(await store.claim('evt_1', 60_000)).toBe('claimed');
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM billing."Webhook_Events"`);
    expect(rows).toEqual([{ n: 1 }]);
  });
});

describe('postgresStoreSchema, for migrations', () => {
  const db = new PGlite();
  afterAll(() => db.close());

  it('creates the table a store with createTable: false then uses, and can be run twice', async () => {
    const sql = postgresStoreSchema('webhook_events');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "webhook_events"');
    await db.exec(sql);
    await db.exec(sql);
    const store = postgresStore(db, { table: 'webhook_events', createTable: false });
    expect(await store.claim('evt_1', 60_000)).toBe('claimed');
    await store.complete('evt_1');
    expect(await store.claim('evt_1', 60_000)).toBe('done');
  });

  it('defaults to the stripe_webhook_events table', () => {
    expect(postgresStoreSchema()).toContain('"stripe_webhook_events"');
    expect(postgresStore(db).table).toBe('stripe_webhook_events');
  });

  it('says how to create the table when createTable is off and it is missing', async () => {
    const store = postgresStore(db, { table: 'not_migrated', createTable: false });
    for (const attempt of [store.ready(), store.claim('evt_1', 60_000)]) {
      const error = await storeError(attempt);
      expect(error.code).toBe('table_unavailable');
      expect(error.message).toContain('"not_migrated" does not exist');
      expect(error.message).toContain('postgresStoreSchema("not_migrated")');
    }
  });
});

describe('postgresStore clients that cannot run queries', () => {
  it('fails at once, naming the fix, for a pg Client that was never connected', async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    const error = await storeError(postgresStore(client, { table: 'events_x' }).claim('evt_1', 60_000));
    expect(error.code).toBe('not_connected');
    expect(error.message).toContain('"events_x"');
    expect(error.message).toContain('client.connect()');
  });

  it('fails for a closed PGlite', async () => {
    const db = new PGlite();
    await db.close();
    const error = await storeError(postgresStore(db).claim('evt_1', 60_000));
    expect(error.code).toBe('not_connected');
    expect(error.message).toMatch(/PGlite instance is closed/);
  });

  it('fails with the cause when the server cannot be reached', async () => {
    // Port 1: nothing listens there, so the connection is refused at once.
    const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/test', connectionTimeoutMillis: 2000 });
    const error = await storeError(postgresStore(pool, { table: 'events_y' }).ready());
    expect(error.code).toBe('not_connected');
    expect(error.message).toContain('"events_y"');
    expect(error.message).toMatch(/ECONNREFUSED/);
    await pool.end();
  });

  it('rejects what is not a client', () => {
    expect(() => postgresStore({} as PostgresClient)).toThrow(/pg Pool or Client, or a PGlite/);
    expect(() => postgresStore(new pg.Pool(), { retentionMs: 0 })).toThrow(/retentionMs/);
  });
});

describe.skipIf(!postgres)('postgresStore on PostgreSQL', () => {
  const tables: string[] = [];
  const table = (kind: string) => {
    const name = uniqueName(kind);
    tables.push(name);
    return name;
  };
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: pgUrl, max: 4 });
  });
  afterAll(async () => {
    await dropTables(pool, tables);
    await pool.end();
  });

  it('creates its table once, then costs two round trips per delivery (claim, complete)', async () => {
    const sent: string[] = [];
    // A real pool that records what it is asked, to count round trips.
    const counting: PostgresClient = {
      query: (text, params) => {
        sent.push(text);
        return pool.query(text, params);
      },
    };
    const store = postgresStore(counting, { table: table('trips') });
    await Promise.all([store.claim('evt_0', 60_000), store.claim('evt_0', 60_000)]);
    expect(sent.filter((text) => text.startsWith('DO '))).toHaveLength(1);
    sent.length = 0;
    for (let index = 1; index <= 20; index++) {
      expect(await store.claim(`evt_${index}`, 60_000)).toBe('claimed');
      await store.complete(`evt_${index}`);
    }
    expect(sent).toHaveLength(40);
  });

  it('survives many processes creating the same table at the same moment', async () => {
    // Separate connections, like separate app instances starting together after a deploy.
    const clients = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        return client;
      }),
    );
    try {
      for (let round = 0; round < 5; round++) {
        const name = table('race');
        const results = await Promise.all(clients.map((client) => postgresStore(client, { table: name }).claim('evt_1', 60_000)));
        expect(results.filter((result) => result === 'claimed')).toHaveLength(1);
      }
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

  it('creates the table again when it was dropped while the app runs', async () => {
    const name = table('dropped');
    const store = postgresStore(pool, { table: name });
    expect(await store.claim('evt_1', 60_000)).toBe('claimed');
    await pool.query(`DROP TABLE ${name}`);
    expect(await store.claim('evt_1', 60_000)).toBe('claimed');
  });

  it('cleans up in batches and reports how many rows it removed', async () => {
    const store = postgresStore(pool, { table: table('cleanup'), retentionMs: 100 });
    for (let index = 0; index < 5; index++) {
      await store.claim(`evt_${index}`, 60_000);
      await store.complete(`evt_${index}`);
    }
    await store.claim('evt_running', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await store.cleanup({ batchSize: 2 })).toBe(5);
    expect(await store.cleanup()).toBe(0);
    expect(await store.claim('evt_running', 60_000)).toBe('in_progress');
  });

  describe('with a role that may not create tables', () => {
    // A schema of its own where the role has USAGE but not CREATE; nothing shared is changed.
    const role = uniqueName('role');
    const schema = uniqueName('schema');
    let restricted: pg.Pool;
    beforeAll(async () => {
      await pool.query(`CREATE ROLE ${role} LOGIN`);
      await pool.query(`CREATE SCHEMA ${schema}`);
      await pool.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      const url = new URL(pgUrl);
      url.username = role;
      url.password = '';
      restricted = new pg.Pool({ connectionString: url.toString(), max: 2 });
    });
    afterAll(async () => {
      await restricted.end();
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.query(`DROP OWNED BY ${role}`);
      await pool.query(`DROP ROLE ${role}`);
    });

    it('names the table and the cause when it cannot create the table', async () => {
      const name = `${schema}.denied`;
      const error = await storeError(postgresStore(restricted, { table: name }).claim('evt_1', 60_000));
      expect(error.code).toBe('table_unavailable');
      expect(error.message).toContain(`cannot create the table "${name}"`);
      expect(error.message).toMatch(/permission denied/);
      expect(error.message).toContain('postgresStoreSchema');
    });

    it('uses a table that a migration created, with createTable left on', async () => {
      const name = `${schema}.migrated`;
      await pool.query(postgresStoreSchema(name));
      await pool.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${name} TO ${role}`);
      const store = postgresStore(restricted, { table: name });
      expect(await store.claim('evt_1', 60_000)).toBe('claimed');
      await store.complete('evt_1');
      expect(await store.claim('evt_1', 60_000)).toBe('done');
      expect(await store.cleanup()).toBe(0);
    });
  });
});
