import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { postgresStore, type PostgresStore } from '../../src/stores/postgres-store.js';
import { dropTables } from '../support/service-cleanup.js';
import { pgUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { storeContract, type StoreSubject } from './store-contract.js';

const postgres = await serviceAvailable('PostgreSQL');
const traits = { separateInstances: true, needsCleanup: true };

describe('postgresStore on PGlite meets the store contract', () => {
  const table = 'webhook_events';
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(() => db.close());

  storeContract(
    (): StoreSubject => ({
      open: (options) => postgresStore(db, { table, ...options }),
      stored: async (eventId) => (await db.query(`SELECT 1 FROM ${table} WHERE event_id = $1`, [eventId])).rows.length === 1,
      cleanup: (store) => (store as PostgresStore).cleanup(),
    }),
    traits,
  );
});

describe.skipIf(!postgres)('postgresStore on PostgreSQL through a pg Pool meets the store contract', () => {
  const table = uniqueName('events');
  let pool: pg.Pool;
  beforeAll(() => {
    // Several connections, so concurrent claims really run side by side in the server.
    pool = new pg.Pool({ connectionString: pgUrl, max: 8 });
  });
  afterAll(async () => {
    await dropTables(pool, [table]);
    await pool.end();
  });

  storeContract(
    (): StoreSubject => ({
      open: (options) => postgresStore(pool, { table, ...options }),
      stored: async (eventId) => (await pool.query(`SELECT 1 FROM ${table} WHERE event_id = $1`, [eventId])).rowCount === 1,
      cleanup: (store) => (store as PostgresStore).cleanup(),
    }),
    traits,
  );
});
