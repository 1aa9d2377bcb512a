// The inbox across a restart of its server: events flow through an ingress process and two worker
// processes while the test's own PostgreSQL (pg-boss) or Redis (BullMQ) is stopped hard and started
// again, twice. Deliveries that fail meanwhile are retried as Stripe does; every acknowledged event
// must still end done (or dead, with its reason), none lost, no effect applied twice. The servers
// are private (ports 54430-54439 and 16420-16429), never the shared ones.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openInbox, type OpenedInbox } from '../inbox/processes/boss.js';
import { countEffects, crashEvents, inboxFleet, settledCount, settledReport, waitSettled } from '../inbox/processes/inbox-fleet.js';
import { startPrivatePostgres } from '../support/private-postgres.js';
import { startPrivateRedis } from '../support/private-redis.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { pgUrl, serviceAvailable, uniqueName } from '../support/services.js';

const postgres = await serviceAvailable('PostgreSQL');
const eventCount = Number(process.env.INBOX_RESTART_EVENTS ?? 300);
const copies = 2;

interface Server {
  /** The env that points the processes at it. */
  env: Record<string, string>;
  /** Where the effects table lives: the inbox's own database on pg-boss (ctx.db), the shared one on BullMQ. */
  effectsUrl: string;
  restart(): Promise<void>;
  remove(): Promise<void>;
}

const servers = {
  async 'pg-boss'(): Promise<Server> {
    const server = await startPrivatePostgres({ ports: [54430, 54439] });
    return {
      env: { INBOX_ENGINE: 'pg-boss', INBOX_DATABASE_URL: server.url },
      effectsUrl: server.url,
      async restart() {
        await server.crash();
        // Down long enough for every process to see refused connections, not just one reset.
        await sleep(1000);
        await server.start();
      },
      remove: () => server.remove(),
    };
  },
  async bullmq(): Promise<Server> {
    // Persistent (append-only file, written before each reply), as a production Redis for BullMQ is.
    const server = await startPrivateRedis({ persistent: true, ports: [16420, 16429] });
    return {
      env: { INBOX_ENGINE: 'bullmq', INBOX_REDIS_URL: server.url, INBOX_EFFECTS_URL: pgUrl },
      effectsUrl: pgUrl,
      restart: () => server.restart(),
      remove: () => server.stop(),
    };
  },
};

describe.each(['pg-boss', 'bullmq'] as const)('inbox across a restart of its server (%s)', (engine) => {
  const schema = uniqueName('restart');
  let server: Server | undefined;
  let fleet: ReturnType<typeof inboxFleet> | undefined;
  let view: OpenedInbox | undefined;
  let effectsDb: pg.Pool | undefined;
  afterAll(async () => {
    await fleet?.killAll();
    await view?.close().catch(() => undefined);
    if (engine === 'bullmq' && server) {
      const client = new Redis(server.env.INBOX_REDIS_URL as string);
      await deleteKeys(client, schema);
      client.disconnect();
    }
    // The private server may be down if the test failed mid-restart; it is removed anyway.
    await effectsDb?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await effectsDb?.end();
    await server?.remove();
  });

  it.skipIf(!postgres)(`ends every acknowledged event done or dead with its reason: ${eventCount} events x ${copies} deliveries, 2 restarts`, async () => {
    server = await servers[engine]();
    effectsDb = new pg.Pool({ connectionString: server.effectsUrl, max: 2 });
    effectsDb.on('error', () => undefined);
    await effectsDb.query(`CREATE SCHEMA ${schema}`);
    await effectsDb.query(`CREATE TABLE ${schema}.effects (seq bigserial, event_id text NOT NULL, worker int NOT NULL)`);
    const env = { ...server.env, INBOX_SCHEMA: schema, INBOX_LEASE_MS: '5000', INBOX_HANDLER_MS: '20', INBOX_CONCURRENCY: '4' };
    // pg-boss 10 completes and fails jobs without awaiting it (pg-boss 11+ awaits): with the database
    // down at that moment, the rejection is unhandled and Node ends the worker. The event is safe
    // (its job expires and is retried), so such workers are restarted, as a supervisor would, and
    // counted; any other crash fails the test.
    fleet = inboxFleet(env, (output) => engine === 'pg-boss' && /at async Manager\.(complete|fail) .*pg-boss\/src\/manager\.js/.test(output));
    await fleet.startAll(1, 2);
    view = await openInbox('ingress', env);

    // Restarts at a third and at two thirds of the acknowledgements, so that events are at every
    // stage (being stored, queued, in a handler, being marked done) when the server goes away.
    const total = eventCount * copies;
    const restartAt = new Set([Math.floor(total / 3), Math.floor((2 * total) / 3)]);
    let restarts = 0;
    const events = crashEvents(eventCount, schema);
    await fleet.deliver(
      events.flatMap((event) => Array.from({ length: copies }, () => event)),
      16,
      async (ack) => {
        if (!restartAt.has(ack)) return;
        restarts++;
        await server!.restart();
      },
    );
    const inbox = view.inbox;
    await waitSettled(fleet, () => settledCount(inbox), eventCount, 240_000);

    const { stats, deadWithoutReason } = await settledReport(inbox);
    const effects = await countEffects(effectsDb, `${schema}.effects`, fleet.killedWorkers);
    const lost = eventCount - effects.distinctEvents - stats.dead;
    console.info(
      `inbox restart test (${engine}): ${eventCount} events x ${copies} deliveries, ${restarts} server restarts; ` +
        `lost ${lost}, repeated effects ${effects.unexplainedRepeats}; statuses ${JSON.stringify(stats)}; ` +
        `workers restarted after pg-boss 10's unawaited complete/fail: ${fleet.supervisedRestarts.length}`,
    );
    // A lost connection must fail an attempt, never end the process.
    expect(fleet.crashes).toEqual([]);
    expect(restarts).toBe(2);
    expect(stats.done + stats.dead).toBe(eventCount);
    expect(stats).toMatchObject({ queued: 0, processing: 0, failed: 0, discarded: 0 });
    expect(deadWithoutReason).toEqual([]);
    expect(lost).toBe(0);
    expect(effects.unexplainedRepeats).toBe(0);
    expect(effects.repeatsAfterKill).toBe(0);
  }, 300_000);
});
