import pg from 'pg';
import { postgresStore } from 'stripe-webhook-kit/postgres';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
// Without this, an idle connection dropped by a PostgreSQL restart crashes the process.
pool.on('error', (error) => console.warn('idle PostgreSQL client failed:', error.message));

export const store = postgresStore(pool);
