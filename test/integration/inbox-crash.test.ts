// The inbox's guarantees with real processes, on pg-boss (PostgreSQL) and on BullMQ (Redis): 2
// ingress and 3 worker processes, every event delivered 3 times at once (Stripe delivers at least
// once), one worker SIGKILLed every few seconds mid-handler and an ingress SIGKILLed right after a
// 200. Every acknowledged event must end done, and the handlers' effects (rows the test counts)
// must be applied once: exactly, on pg-boss, where they commit with the done mark (ctx.db); on
// BullMQ, again only where a worker was killed between its effect and its done mark.
// INBOX_CRASH_EVENTS scales the run: 300 by default, to keep the suite quick; INBOX_CRASH_EVENTS=2000
// is the full run (about 3 minutes per engine on 2 cores).
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Inbox } from '../../src/inbox/types.js';
import { openInbox, type OpenedInbox } from '../inbox/processes/boss.js';
import { countEffects, crashEvents, inboxFleet, settledCount, settledReport, waitSettled } from '../inbox/processes/inbox-fleet.js';
import { deleteKeys } from '../support/service-cleanup.js';
import { pgUrl, redisUrl, serviceAvailable, uniqueName } from '../support/services.js';

const postgres = await serviceAvailable('PostgreSQL');
const redis = postgres && (await serviceAvailable('Redis'));
const eventCount = Number(process.env.INBOX_CRASH_EVENTS ?? 300);
const copies = 3;

const engines = [
  { engine: 'pg-boss', available: postgres },
  { engine: 'bullmq', available: redis },
] as const;

describe.each(engines)('inbox guarantees with processes ($engine)', ({ engine, available }) => {
  const schema = uniqueName('crash');
  const pool = new pg.Pool({ connectionString: pgUrl, max: 4 });
  const env: Record<string, string> = {
    INBOX_ENGINE: engine,
    INBOX_DATABASE_URL: pgUrl,
    INBOX_REDIS_URL: redisUrl,
    INBOX_EFFECTS_URL: pgUrl,
    INBOX_SCHEMA: schema,
    INBOX_LEASE_MS: '3000',
    INBOX_HANDLER_MS: '20',
    INBOX_CONCURRENCY: '4',
  };
  const fleet = inboxFleet(env);
  let view: OpenedInbox | undefined;
  afterAll(async () => {
    await fleet.killAll();
    await view?.close();
    if (!available) return void (await pool.end());
    if (engine === 'bullmq') {
      const client = new Redis(redisUrl);
      await deleteKeys(client, schema);
      client.disconnect();
    }
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  it.skipIf(!available)(`loses no acknowledged event and repeats no effect: ${eventCount} events x ${copies} deliveries, workers and an ingress killed`, async () => {
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(`CREATE TABLE ${schema}.effects (seq bigserial, event_id text NOT NULL, worker int NOT NULL)`);
    // pg-boss's schema and the event log are created by the first process; then they exist.
    await fleet.startAll(2, 3);
    view = await openInbox('ingress', env);
    const inbox: Inbox = view.inbox;

    let workerKills = 0;
    let ingressKills = 0;
    // Counted in acknowledgements, not time: however fast the machine, some ingress dies right
    // after answering 200, with its event's job committed or not.
    const killIngressAfterAck = (ack: number) => ack % Math.max(50, Math.floor((eventCount * copies) / 4)) === 0;
    let sending = true;
    const killer = (async () => {
      while (sending || (await settledCount(inbox)) < eventCount) {
        await new Promise((resolve) => setTimeout(resolve, 2500));
        await fleet.replaceWorker(workerKills++ % fleet.workers.length);
        if (workerKills >= 40) return;
      }
    })();

    const events = crashEvents(eventCount, schema);
    await fleet.deliver(
      events.flatMap((event) => Array.from({ length: copies }, () => event)),
      24,
      async (ack, ingress) => {
        if (!killIngressAfterAck(ack)) return;
        ingressKills++;
        await fleet.replaceIngress(ingress);
      },
    );
    sending = false;
    await waitSettled(fleet, () => settledCount(inbox), eventCount, 240_000);
    await killer;

    const { stats, deadWithoutReason } = await settledReport(inbox);
    const effects = await countEffects(pool, `${schema}.effects`, fleet.killedWorkers);
    const lost = eventCount - effects.distinctEvents;
    console.info(
      `inbox crash test (${engine}): ${eventCount} events x ${copies} deliveries, ${workerKills} worker SIGKILLs, ${ingressKills} ingress SIGKILLs after a 200; ` +
        `lost ${lost}, repeated effects ${effects.unexplainedRepeats} (+ ${effects.repeatsAfterKill} after a kill between effect and done mark); statuses ${JSON.stringify(stats)}`,
    );
    // A lost connection must fail an attempt, never end the process.
    expect(fleet.crashes).toEqual([]);
    expect(stats).toMatchObject({ done: eventCount, queued: 0, processing: 0, failed: 0, dead: 0, discarded: 0 });
    expect(deadWithoutReason).toEqual([]);
    expect(workerKills).toBeGreaterThan(0);
    expect(ingressKills).toBeGreaterThan(0);
    expect(lost).toBe(0);
    expect(effects.unexplainedRepeats).toBe(0);
    // Effects written in the done mark's transaction are never repeated, even by a kill.
    if (engine === 'pg-boss') expect(effects.repeatsAfterKill).toBe(0);
  }, 300_000);
});
