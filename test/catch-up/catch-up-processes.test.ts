// Several app instances run catch-up at the same moment, each in its own process, sharing one
// PostgreSQL or Redis store: the store's claim decides, so each missed event runs exactly once.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatchUpResult } from '../../src/catch-up/catch-up.js';
import { deleteKeys, dropTables } from '../support/service-cleanup.js';
import { pgUrl, redisUrl, serviceAvailable, uniqueName } from '../support/services.js';
import { runProcess } from '../support/run-cli.js';
import { startStripeApiStandIn, type StripeApiStandIn } from '../support/stripe-api/events-server.js';
import type { RunnerConfig } from './catch-up-runner.js';
import { ids, outageEvents } from './outage.js';

const postgres = await serviceAvailable('PostgreSQL');
const redis = await serviceAvailable('Redis');
const runnerFile = fileURLToPath(new URL('./catch-up-runner.ts', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const runners = 3;

describe.each(['postgres', 'redis'] as const)('catch-up in %s-sharing processes', (kind) => {
  describe.skipIf(!postgres || (kind === 'redis' && !redis))('three processes at once', () => {
    const ranTable = uniqueName('catchup_ran');
    const storeTable = uniqueName('catchup_store');
    const prefix = `${uniqueName('catchup')}:`;
    let api: StripeApiStandIn;
    let pool: pg.Pool;
    beforeAll(async () => {
      api = await startStripeApiStandIn();
      pool = new pg.Pool({ connectionString: pgUrl, max: 2 });
      await pool.query(`CREATE TABLE ${ranTable} (event_id text NOT NULL, runner text NOT NULL)`);
    });
    afterAll(async () => {
      await dropTables(pool, [ranTable, storeTable]);
      if (kind === 'redis') {
        const admin = new Redis(redisUrl);
        await deleteKeys(admin, prefix);
        admin.disconnect();
      }
      await pool.end();
      await api.close();
    });

    it('runs each of 150 missed events once in all, and a later run in any process processes none', async () => {
      const start = 1_780_000_000;
      const events = outageEvents(150, start);
      api.addEvents(events);
      const config = (name: string): RunnerConfig => ({
        name,
        store: kind === 'postgres' ? { kind, table: storeTable } : { kind, prefix },
        pgUrl,
        redisUrl,
        ranTable,
        api: { port: api.port, apiKey: api.apiKey },
        since: start,
        nowMs: (start + 3600) * 1000,
      });
      const run = async (name: string) => {
        const child = await runProcess(process.execPath, ['--import', tsxLoader, runnerFile], { env: { RUNNER_CONFIG: JSON.stringify(config(name)) } });
        expect(child.stderr).toBe('');
        expect(child.code).toBe(0);
        return JSON.parse(child.stdout) as CatchUpResult;
      };

      const results = await Promise.all(Array.from({ length: runners }, (_, index) => run(`runner-${index}`)));

      const { rows } = await pool.query<{ event_id: string; runs: number }>(`SELECT event_id, count(*)::int AS runs FROM ${ranTable} GROUP BY event_id`);
      expect(rows.map((row) => row.event_id).sort()).toEqual(ids(events).sort());
      expect(rows.filter((row) => row.runs !== 1)).toEqual([]);
      expect(results.reduce((sum, result) => sum + result.processed, 0)).toBe(150);
      for (const result of results) {
        expect(result.fetched).toBe(150);
        expect(result.failed).toBe(0);
        expect(result.processed + result.alreadyDone + result.inProgress).toBe(150);
      }

      const later = await run('runner-later');
      expect(later).toMatchObject({ fetched: 150, alreadyDone: 150, processed: 0 });
    });
  });
});
