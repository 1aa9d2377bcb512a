// Starts pg-boss (10 on Node 20, the current major where Node >= 22) on PGlite or on PostgreSQL,
// each in a schema of its own, for the inbox tests.
import { existsSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { pgUrl, uniqueName } from './services.js';
import type { PgBossLike } from '../../src/inbox/pg-boss/pg-boss-inbox.js';

export const pgBossMajor = Number(process.versions.node.split('.')[0]) >= 22 ? 12 : 10;

export interface PgBossSetup {
  boss: PgBossLike & { stop(options?: object): Promise<void>; on(event: 'error', listener: (error: Error) => void): unknown };
  /** The pg Pool or PGlite the event log shares with pg-boss. */
  db: pg.Pool | PGlite;
  /** The event log's table (in its own schema). */
  table: string;
  close(): Promise<void>;
}

export async function loadPgBoss(major = pgBossMajor): Promise<new (options: object) => PgBossSetup['boss']> {
  if (major >= 12) {
    // pg-boss 12 needs Node 22: it has its own project, outside the root lockfile that Node 20
    // installs (.ci/run installs it with Node 22 or later).
    const entry = new URL('../pg-boss12/node_modules/pg-boss/dist/index.js', import.meta.url);
    if (!existsSync(entry)) throw new Error('pg-boss 12 is not installed: run `npm ci --prefix test/pg-boss12` with Node 22 or later');
    const module = (await import(entry.href)) as { PgBoss: new (options: object) => PgBossSetup['boss'] };
    return module.PgBoss;
  }
  const module = (await import('pg-boss')) as unknown as { default: new (options: object) => PgBossSetup['boss'] };
  return module.default;
}

/** pg-boss's `db` option over PGlite: statements without parameters may be several (migrations). */
export function pgliteExecutor(db: PGlite) {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values && values.length > 0) return db.query(text, values);
      const results = await db.exec(text);
      return { rows: results.flatMap((result) => result.rows) };
    },
  };
}

const quiet = { supervise: true, schedule: false, maintenanceIntervalSeconds: 1, monitorStateIntervalSeconds: 1 };

export async function startPgBossOnPglite(): Promise<PgBossSetup> {
  const PgBoss = await loadPgBoss();
  const db = await PGlite.create();
  const boss = new PgBoss({ db: pgliteExecutor(db), ...quiet });
  boss.on('error', () => undefined);
  await (boss as unknown as { start(): Promise<unknown> }).start();
  return {
    boss,
    db,
    table: 'inbox_events',
    async close() {
      await boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
      await db.close();
    },
  };
}

/** `major` picks the pg-boss the setup runs, e.g. the one the CLI loads from the project; `options` add to pg-boss's. */
export async function startPgBossOnPostgres(url = pgUrl, major = pgBossMajor, options: object = {}): Promise<PgBossSetup> {
  const PgBoss = await loadPgBoss(major);
  const schema = uniqueName('boss');
  const boss = new PgBoss({ connectionString: url, schema, max: 6, ...quiet, ...options });
  boss.on('error', () => undefined);
  await (boss as unknown as { start(): Promise<unknown> }).start();
  const db = new pg.Pool({ connectionString: url, max: 6 });
  return {
    boss,
    db,
    table: `${schema}.inbox_events`,
    async close() {
      await boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.end();
    },
  };
}
