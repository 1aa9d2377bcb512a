import pg from 'pg';
import { postgresStore, postgresStoreSchema } from 'stripe-webhook-kit/postgres';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
// Without a listener, an idle connection's error (PostgreSQL restarted) crashes the process.
pool.on('error', (error) => console.error('postgres pool', error));

// In a migration, run as a role that may create tables (the SQL is idempotent):
await pool.query(postgresStoreSchema('billing.stripe_webhook_events'));

// In the app, whose role may only read and write the table:
export const store = postgresStore(pool, { table: 'billing.stripe_webhook_events', createTable: false });
