import { PGlite } from '@electric-sql/pglite';
import PgBoss from 'pg-boss';
import { pgBossInbox } from 'stripe-webhook-kit/pg-boss';

const pglite = await PGlite.create('./data/pglite');
const boss = new PgBoss({
  db: {
    // PGlite's query() runs one statement; pg-boss's migrations are several, without parameters.
    executeSql: async (text: string, values?: unknown[]) =>
      values?.length ? pglite.query(text, values) : { rows: (await pglite.exec(text)).flatMap((result) => result.rows) },
  },
});
await boss.start();
const inbox = pgBossInbox(boss, { db: pglite });
