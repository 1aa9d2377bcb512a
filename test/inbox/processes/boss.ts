// What the ingress and worker processes of the crash tests share: pg-boss on the test's database,
// and the inbox over it. Settings come from the environment the test sets.
import PgBoss from 'pg-boss';
import pg from 'pg';
import { pgBossInbox } from '../../../src/inbox/pg-boss/pg-boss-inbox.js';

export const secret = 'whsec_inbox_crash';

export async function openInbox(role: 'ingress' | 'worker') {
  const url = process.env.INBOX_DATABASE_URL as string;
  const schema = process.env.INBOX_SCHEMA as string;
  const boss = new PgBoss({ connectionString: url, schema, max: 4, supervise: role === 'worker', schedule: false, maintenanceIntervalSeconds: 1, monitorStateIntervalSeconds: 1 });
  // A restart of PostgreSQL is expected in these tests: pg-boss reconnects by itself.
  boss.on('error', () => undefined);
  await boss.start();
  const db = new pg.Pool({ connectionString: url, max: 8 });
  db.on('error', () => undefined);
  const inbox = pgBossInbox(boss, {
    db,
    table: `${schema}.events`,
    queue: 'crash',
    leaseMs: Number(process.env.INBOX_LEASE_MS ?? 3000),
    retry: { limit: 50, delaySeconds: 1, backoff: false },
    transactional: true,
    pollingIntervalSeconds: 0.5,
  });
  return { boss, db, inbox };
}
