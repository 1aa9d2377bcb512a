// Real PostgreSQL failures get the right advice, not "grant CREATE": a database that does not
// exist, a role that does not exist, a role without privileges, a read-only session, a port
// nothing listens on. Each against the shared server (or no server at all).
import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../../src/stores/postgres-store.js';
import { pgUrl, serviceAvailable, uniqueName } from '../../support/services.js';
import { storeError } from '../../support/store-error.js';

const postgres = await serviceAvailable('PostgreSQL');

/** A URL like the shared server's, with another user, database or port. */
function urlWith(change: { user?: string; database?: string; port?: number }): string {
  const url = new URL(pgUrl);
  if (change.user !== undefined) url.username = change.user;
  if (change.database !== undefined) url.pathname = `/${change.database}`;
  if (change.port !== undefined) url.port = String(change.port);
  return url.toString();
}

/** The error of a store's first claim through a fresh pool with these settings. */
async function firstClaimError(config: pg.PoolConfig, table = uniqueName('advice')) {
  const pool = new pg.Pool({ max: 1, connectionTimeoutMillis: 5000, ...config });
  pool.on('error', () => {});
  try {
    return await storeError(postgresStore(pool, { table, logger: false }).claim('evt_advice', 60_000));
  } finally {
    await pool.end();
  }
}

describe.skipIf(!postgres)('postgresStore advice for setup failures, on a real PostgreSQL', () => {
  const role = uniqueName('role');
  const schema = uniqueName('schema');
  let admin: pg.Pool;
  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: pgUrl, max: 1 });
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    // A schema the role may use but not create in: the store cannot create its table there.
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('3D000, a database that does not exist: create it or fix the name (not "grant CREATE")', async () => {
    const error = await firstClaimError({ connectionString: urlWith({ database: uniqueName('nodb') }) });
    expect(error.code).toBe('not_connected');
    expect(error.message).toContain('the database named in the connection settings does not exist');
    expect(error.message).toContain('createdb');
    expect(error.message).not.toContain('CREATE on the schema');
  });

  it('28000, a role that cannot log in: check the user, password and pg_hba.conf', async () => {
    const error = await firstClaimError({ connectionString: urlWith({ user: uniqueName('nobody') }) });
    expect((error.cause as { code?: string }).code).toBe('28000');
    expect(error.code).toBe('not_connected');
    expect(error.message).toContain('refused to authenticate');
    expect(error.message).toContain('pg_hba.conf');
  });

  it('42501, a role without CREATE on the schema: the grants to give, or a migration', async () => {
    const error = await firstClaimError({ connectionString: urlWith({ user: role }) }, `${schema}.events`);
    expect((error.cause as { code?: string }).code).toBe('42501');
    expect(error.code).toBe('table_unavailable');
    expect(error.message).toContain('lacks a privilege');
    expect(error.message).toContain('GRANT USAGE, CREATE ON SCHEMA');
    expect(error.message).toContain('postgresStoreSchema');
  });

  it('25006, a read-only session (as on a replica): point the store at the primary', async () => {
    const error = await firstClaimError({ connectionString: pgUrl, options: '-c default_transaction_read_only=on' });
    expect((error.cause as { code?: string }).code).toBe('25006');
    expect(error.code).toBe('query_failed');
    expect(error.message).toContain('read-only');
    expect(error.message).toContain('primary (read-write) server');
  });
});

it('ECONNREFUSED, nothing listening: start PostgreSQL or fix the host and port', async () => {
  // A port that was free a moment ago: bound, then released.
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => resolve(free));
    });
  });
  const error = await firstClaimError({ connectionString: urlWith({ port }) });
  expect(error.code).toBe('not_connected');
  expect(error.message).toContain('nothing is listening');
  expect(error.message).toContain('PGHOST/PGPORT');
});
