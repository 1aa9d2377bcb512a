// examples/express-orders, started as a user starts it: on PGlite, and on a real PostgreSQL; with
// INBOX=1 (a worker in the process), and INBOX=ingress beside a separate worker process.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignedRequest, createTestEvent } from '../../src/entries/testing.js';
import { testSecret } from '../support/deliveries.js';
import { inboxOrderFlow } from '../support/inbox-order-flow.js';
import { root } from '../support/run-cli.js';
import { describeOrderFlow } from '../support/order-flow.js';
import { startExample, type RunningExample } from '../support/start-example.js';

describeOrderFlow('express-orders on PGlite', () => startExample('express-orders'));

// The same variable the store tests read (.ci/run starts this PostgreSQL).
const postgresUrl = process.env.PGURL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A schema of its own, selected through the connection string, and dropped after: the example
 * runs unchanged, exactly as it would against a production DATABASE_URL.
 */
async function createSchema() {
  const name = `examples_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    databaseUrl: url.href,
    async orderCount() {
      return (await admin.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${name}.orders`)).rows[0]?.count ?? 0;
    },
    async drop() {
      await admin.query(`DROP SCHEMA ${name} CASCADE`);
      await admin.end();
    },
  };
}

describeOrderFlow('express-orders on PostgreSQL (DATABASE_URL)', async () => {
  const schema = await createSchema();
  const app = await startExample('express-orders', { DATABASE_URL: schema.databaseUrl });
  return {
    ...app,
    async stop() {
      await app.stop();
      try {
        // Proof that the orders went to PostgreSQL, not to an embedded PGlite.
        if ((await schema.orderCount()) === 0) throw new Error('no orders in PostgreSQL: the example ignored DATABASE_URL');
      } finally {
        await schema.drop();
      }
    },
  };
});

describe('express-orders on PostgreSQL, restarted', () => {
  let schema: Awaited<ReturnType<typeof createSchema>>;
  let app: RunningExample | undefined;
  beforeAll(async () => {
    schema = await createSchema();
  });
  afterAll(async () => {
    await app?.stop();
    await schema.drop();
  });

  it('still knows a redelivered event after a restart: duplicate, order unchanged', async () => {
    app = await startExample('express-orders', { DATABASE_URL: schema.databaseUrl });
    const created = await fetch(`${app.baseUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 2000, email: 'ada@example.com' }) });
    const { order } = (await created.json()) as { order: { id: string } };
    const event = createTestEvent('checkout.session.completed', { data: { object: { metadata: { orderId: order.id } } } });
    const send = async (baseUrl: string) => {
      const request = createSignedRequest(event, testSecret);
      const response = await fetch(`${baseUrl}/v1/webhook`, { method: 'POST', headers: request.headers, body: request.body });
      return { status: response.status, body: await response.json() };
    };
    expect(await send(app.baseUrl)).toEqual({ status: 200, body: { received: true } });
    const paid = await (await fetch(`${app.baseUrl}/orders/${order.id}`)).json();
    await app.stop();

    app = await startExample('express-orders', { DATABASE_URL: schema.databaseUrl });
    expect(await send(app.baseUrl)).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(await (await fetch(`${app.baseUrl}/orders/${order.id}`)).json()).toEqual(paid);
  });
});

describe('express-orders with the inbox', () => {
  inboxOrderFlow('INBOX=1 on PGlite: answers queued, then its worker pays the order; a redelivery is a duplicate', () => startExample('express-orders', { INBOX: '1' }));

  inboxOrderFlow(
    'INBOX=ingress on PostgreSQL, the worker in another process (examples/shared/inbox.ts)',
    async () => {
      const schema = await createSchema();
      const env = { DATABASE_URL: schema.databaseUrl, PGBOSS_SCHEMA: `${new URL(schema.databaseUrl).searchParams.get('options')!.split('=')[1]}_boss` };
      const app = await startExample('express-orders', { ...env, INBOX: 'ingress' });
      const worker = spawn(process.execPath, ['--import', 'tsx', join(root, 'examples/shared/inbox.ts')], {
        cwd: root,
        env: { ...process.env, STRIPE_WEBHOOK_SECRET: testSecret, STRIPE_SECRET_KEY: '', INBOX: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      worker.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      worker.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      await new Promise<void>((resolve, reject) => {
        worker.stdout.on('data', () => /^inbox worker ready$/m.test(output) && resolve());
        worker.once('exit', (code) => reject(new Error(`the inbox worker exited with ${code}:\n${output}`)));
      });
      return {
        ...app,
        async stop() {
          await app.stop();
          await new Promise<void>((resolve) => {
            worker.once('exit', () => resolve());
            worker.kill('SIGTERM');
          });
          const boss = new pg.Client({ connectionString: postgresUrl });
          await boss.connect();
          await boss.query(`DROP SCHEMA IF EXISTS ${env.PGBOSS_SCHEMA} CASCADE`);
          await boss.end();
          await schema.drop();
        },
      };
    },
    /inbox: pg-boss on DATABASE_URL, ingress only/,
  );
});
