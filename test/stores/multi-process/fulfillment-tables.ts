// The order-fulfillment tables the worker processes write and the tests read back.
import type pg from 'pg';
import { uniqueName } from '../../support/services.js';
import type { FulfillmentTables } from './worker-config.js';

export function fulfillmentTableNames(): FulfillmentTables {
  return { orders: uniqueName('orders'), plannedFailures: uniqueName('failures'), runs: uniqueName('runs'), signals: uniqueName('signals') };
}

export async function createFulfillmentTables(pool: pg.Pool, tables: FulfillmentTables, plannedFailures: readonly string[] = []): Promise<void> {
  await pool.query(`CREATE TABLE ${tables.orders} (order_id text PRIMARY KEY, fulfillments int NOT NULL, fulfilled_by text NOT NULL)`);
  await pool.query(`CREATE TABLE ${tables.plannedFailures} (order_id text PRIMARY KEY, failed_at timestamptz)`);
  await pool.query(`CREATE TABLE ${tables.runs} (id bigserial PRIMARY KEY, order_id text NOT NULL, event_id text NOT NULL, worker text NOT NULL)`);
  await pool.query(`CREATE TABLE ${tables.signals} (order_id text PRIMARY KEY)`);
  if (plannedFailures.length > 0) {
    await pool.query(`INSERT INTO ${tables.plannedFailures} (order_id) SELECT unnest($1::text[])`, [plannedFailures]);
  }
}

export async function dropFulfillmentTables(pool: pg.Pool, tables: FulfillmentTables): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS ${Object.values(tables).join(', ')}`);
}
