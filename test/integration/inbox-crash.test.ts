// The inbox's guarantees with real processes on PostgreSQL (pg-boss): 2 ingress and 3 worker
// processes, every event delivered 3 times at once (Stripe delivers at least once), one worker
// SIGKILLed every few seconds mid-handler and an ingress SIGKILLed right after a 200. Every
// acknowledged event must end done, and the handlers' effects (rows the test counts) must be
// applied exactly once. INBOX_CRASH_EVENTS scales the run: 300 by default, to keep the suite quick;
// INBOX_CRASH_EVENTS=2000 is the figure (about 3 minutes on 2 cores).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import type Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { createSignedRequest } from '../../src/testing/create-signed-request.js';
import { createTestEvent } from '../../src/testing/create-test-event.js';
import { root } from '../support/run-cli.js';
import { pgUrl, serviceAvailable, uniqueName } from '../support/services.js';

const postgres = await serviceAvailable('PostgreSQL');
const eventCount = Number(process.env.INBOX_CRASH_EVENTS ?? 300);
const copies = 3;
const secret = 'whsec_inbox_crash';

interface Role {
  child: ChildProcess;
  port?: number;
}

function spawnRole(role: 'ingress' | 'worker', env: Record<string, string>): Promise<Role> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/inbox/processes', `${role}.ts`)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const port = /listening (\d+)/.exec(output);
      if (port) resolve({ child, port: Number(port[1]) });
      else if (/^ready$/m.test(output)) resolve({ child });
    });
    child.once('exit', (code, signal) => reject(new Error(`${role} exited (${code ?? signal}) before it was ready:\n${output}`)));
  });
}

const dead = (role: Role) => new Promise<void>((resolve) => (role.child.exitCode !== null || role.child.signalCode !== null ? resolve() : role.child.once('exit', () => resolve())));

describe.skipIf(!postgres)('inbox guarantees with processes (pg-boss on PostgreSQL)', () => {
  const schema = uniqueName('crash');
  const pool = new pg.Pool({ connectionString: pgUrl, max: 4 });
  const roles: Role[] = [];
  afterAll(async () => {
    for (const role of roles) role.child.kill('SIGKILL');
    await Promise.all(roles.map(dead));
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  it(`loses no acknowledged event and applies no effect twice: ${eventCount} events x ${copies} deliveries, workers and an ingress killed`, async () => {
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(`CREATE TABLE ${schema}.effects (event_id text NOT NULL, worker int NOT NULL)`);
    const env = { INBOX_DATABASE_URL: pgUrl, INBOX_SCHEMA: schema, INBOX_LEASE_MS: '3000', INBOX_HANDLER_MS: '20', INBOX_CONCURRENCY: '4' };
    const start = async (role: 'ingress' | 'worker') => {
      const started = await spawnRole(role, env);
      roles.push(started);
      return started;
    };
    // Started one by one: the first creates pg-boss's schema and the event log.
    const ingresses = [await start('ingress'), await start('ingress')];
    const workers = [await start('worker'), await start('worker'), await start('worker')];

    const events = Array.from({ length: eventCount }, (_, index) =>
      createTestEvent('checkout.session.completed', { id: `evt_crash_${index}_${schema}`, data: { object: { metadata: { orderId: `o_${index}` } } } } as never),
    ) as Stripe.Event[];
    let workerKills = 0;
    let ingressKills = 0;
    let deliveries = 0;
    let acks = 0;
    // Counted in acknowledgements, not time: however fast the machine, some ingress dies right
    // after answering 200, with its event's job committed or not.
    const killIngressAfterAck = (ack: number) => ack % Math.max(50, Math.floor((eventCount * copies) / 4)) === 0;

    // Stripe's side: a delivery is retried (to any live ingress) until it gets a 2xx.
    async function deliver(event: Stripe.Event): Promise<void> {
      const request = createSignedRequest(event, secret);
      for (let attempt = 0; ; attempt++) {
        const ingress = ingresses[(deliveries++ + attempt) % ingresses.length] as Role;
        try {
          const response = await fetch(`http://127.0.0.1:${ingress.port}/`, { method: 'POST', headers: request.headers, body: request.body });
          await response.text();
          if (response.ok) {
            if (killIngressAfterAck(++acks)) {
              ingressKills++;
              ingress.child.kill('SIGKILL');
              const index = ingresses.indexOf(ingress);
              ingresses[index] = await start('ingress');
            }
            return;
          }
        } catch {
          // The ingress was killed: Stripe retries.
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    const progress = async () => Number((await pool.query(`SELECT count(*)::int AS n FROM ${schema}.events WHERE status IN ('done', 'dead')`)).rows[0].n);
    let sending = true;
    const killer = (async () => {
      while (sending || (await progress()) < eventCount) {
        await new Promise((resolve) => setTimeout(resolve, 2500));
        const index = workerKills % workers.length;
        (workers[index] as Role).child.kill('SIGKILL');
        workerKills++;
        workers[index] = await start('worker');
        if (workerKills >= 40) return;
      }
    })();

    const queue = events.flatMap((event) => Array.from({ length: copies }, () => event));
    let next = 0;
    await Promise.all(
      Array.from({ length: 24 }, async () => {
        while (next < queue.length) await deliver(queue[next++] as Stripe.Event);
      }),
    );
    sending = false;

    const deadline = Date.now() + 240_000;
    while ((await progress()) < eventCount && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    await killer;

    const statuses = (await pool.query(`SELECT status, count(*)::int AS n FROM ${schema}.events GROUP BY status`)).rows as Array<{ status: string; n: number }>;
    const effects = (await pool.query(`SELECT count(*)::int AS total, count(DISTINCT event_id)::int AS distinct_events FROM ${schema}.effects`)).rows[0] as { total: number; distinct_events: number };
    const lost = eventCount - effects.distinct_events;
    const doubled = effects.total - effects.distinct_events;
    console.info(`inbox crash test: ${eventCount} events x ${copies} deliveries, ${workerKills} worker SIGKILLs, ${ingressKills} ingress SIGKILLs after a 200; lost ${lost}, double effects ${doubled}; statuses ${JSON.stringify(statuses)}`);
    expect(statuses).toEqual([{ status: 'done', n: eventCount }]);
    expect(workerKills).toBeGreaterThan(0);
    expect(ingressKills).toBeGreaterThan(0);
    expect(lost).toBe(0);
    expect(doubled).toBe(0);
  }, 300_000);
});
