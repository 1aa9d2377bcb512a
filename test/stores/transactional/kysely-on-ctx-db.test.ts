// docs/exactly-once.md's Kysely recipe, for real: Kysely's own PostgresDialect over ctx.db (a
// one-connection pool that hands out the delivery's transaction), on the shared PostgreSQL.
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../../src/handler/create-webhook-handler.js';
import { createWebhookRouter } from '../../../src/router/create-webhook-router.js';
import { postgresStore } from '../../../src/stores/postgres-store.js';
import type { TransactionClient } from '../../../src/types.js';
import { signedDelivery, testSecret } from '../../support/deliveries.js';
import { dropTables } from '../../support/service-cleanup.js';
import { pgUrl, serviceAvailable, uniqueName } from '../../support/services.js';

const postgres = await serviceAvailable('PostgreSQL');

/** As in the docs: Kysely that runs every query on the delivery's transaction. */
function kyselyOn<Database>(db: TransactionClient): Kysely<Database> {
  const pool = {
    connect: async () => ({ query: (text: string, params: readonly unknown[]) => db.query(text, [...params]), release: () => undefined }),
    end: async () => undefined,
  } as unknown as PostgresPool;
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

interface Shop {
  [table: string]: { id: string; status: string };
}

describe.runIf(postgres)('Kysely on ctx.db', () => {
  const orders = uniqueName('orders');
  const events = uniqueName('events');
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: pgUrl, max: 4 });
    await pool.query(`CREATE TABLE ${orders} (id text PRIMARY KEY, status text NOT NULL)`);
  });
  afterAll(async () => {
    await dropTables(pool, [orders, events]);
    await pool.end();
  });

  it('commits a Kysely update with the done mark, and rolls it back with a failing handler', async () => {
    let fail = true;
    const router = createWebhookRouter().onCheckoutPaid(async (session, _event, ctx) => {
      if (!ctx.db) throw new Error('not transactional');
      await kyselyOn<Shop>(ctx.db).updateTable(orders).set({ status: 'paid' }).where('id', '=', String(session.metadata?.orderId)).execute();
      if (fail) throw new Error('fails after its write');
    });
    const handler = createWebhookHandler({ secret: testSecret, router, store: postgresStore(pool, { table: events, transactional: true }), logger: false });
    await pool.query(`INSERT INTO ${orders} VALUES ('order_1', 'pending')`);
    const delivery = signedDelivery('checkout.session.completed', { data: { object: { metadata: { orderId: 'order_1' } } } });
    const read = async () => (await pool.query(`SELECT status FROM ${orders}`)).rows;

    expect((await handler.handle({ method: 'POST', headers: delivery.headers, body: delivery.body })).status).toBe(500);
    expect(await read()).toEqual([{ status: 'pending' }]);
    fail = false;
    expect((await handler.handle({ method: 'POST', headers: delivery.headers, body: delivery.body })).status).toBe(200);
    expect(await read()).toEqual([{ status: 'paid' }]);
  });
});
