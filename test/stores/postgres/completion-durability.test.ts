// A completion that was answered survives a crash of the database server. Completions
// are batched for speed, but each batch commits durably: were the commit asynchronous, a crash
// right after the 200 would lose the done mark, and a duplicate delivered after the lease would
// run the handlers again. The server is the test's own, started with a 10 s `wal_writer_delay`,
// so an asynchronous commit would still be in memory when the server is killed.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler, createWebhookRouter } from '../../../src/entries/index.js';
import { postgresStore } from '../../../src/stores/postgres-store.js';
import { paidCheckout, testSecret, type Delivery } from '../../support/deliveries.js';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.js';
import { serviceAvailable } from '../../support/services.js';

// The private server needs the PostgreSQL binaries the shared one comes with.
const postgres = await serviceAvailable('PostgreSQL');

describe.skipIf(!postgres)('postgresStore: completions answered before a database crash', () => {
  let server: PrivatePostgres;
  const pools: pg.Pool[] = [];
  beforeAll(async () => {
    server = await startPrivatePostgres({ settings: { wal_writer_delay: '10s' } });
  }, 60_000);
  afterAll(async () => {
    for (const pool of pools) await pool.end().catch(() => undefined);
    await server?.remove();
  }, 60_000);

  /** An app instance: its own pool, store and handler, counting handler runs per event. */
  function startApp(runs: Map<string, number>) {
    const pool = new pg.Pool({ connectionString: server.url, max: 4 });
    pool.on('error', () => undefined);
    pools.push(pool);
    const router = createWebhookRouter();
    router.on('checkout.session.completed', (event) => {
      runs.set(event.id, (runs.get(event.id) ?? 0) + 1);
    });
    const store = postgresStore(pool, { table: 'webhook_events', logger: false });
    const handler = createWebhookHandler({ secret: testSecret, router, store, logger: false });
    const send = async (delivery: Delivery) => {
      const answer = await handler.handle({ method: 'POST', headers: delivery.headers, body: delivery.body });
      return { status: answer.status, body: JSON.parse(answer.body) as unknown };
    };
    return { store, send };
  }

  it('still answers duplicate after the crash, and runs no handler twice', { timeout: 60_000 }, async () => {
    const runs = new Map<string, number>();
    const before = startApp(runs);
    await before.store.ready();
    const deliveries = Array.from({ length: 20 }, (_, index) => paidCheckout(`order_${index}`));

    // Concurrent, so that completions share statements.
    const first = await Promise.all(deliveries.map((delivery) => before.send(delivery)));
    expect(first).toEqual(deliveries.map(() => ({ status: 200, body: { received: true } })));

    await server.crash();
    await server.start();

    const after = startApp(runs);
    const again = await Promise.all(deliveries.map((delivery) => after.send(delivery)));
    expect(again).toEqual(deliveries.map(() => ({ status: 200, body: { received: true, duplicate: true } })));
    expect([...runs.values()]).toEqual(deliveries.map(() => 1));
  });
});
