// A webhook process that is SIGKILLed by its test between the handler's write and the commit:
// every handler makes its write through ctx.db, tells the test, then waits for ever.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { postgresStore, type PostgresClient } from '../../../src/stores/postgres-store.js';
import { startCounterWebhook } from '../../support/counter-webhook.js';

export interface CrashWorkerConfig {
  /** A PostgreSQL URL, or `pglite:<data directory>`. */
  database: string;
  events: string;
  counters: string;
  leaseMs: number;
}

export type CrashWorkerMessage = { ready: true; url: string } | { written: string };

const config = JSON.parse(process.env.CRASH_WORKER_CONFIG ?? '{}') as CrashWorkerConfig;
const client: PostgresClient = config.database.startsWith('pglite:')
  ? new PGlite(config.database.slice('pglite:'.length))
  : new pg.Pool({ connectionString: config.database, application_name: 'swk-crash-worker' });
const store = postgresStore(client, { table: config.events, transactional: true, logger: false });
const never = new Promise<void>(() => undefined);
const webhook = await startCounterWebhook({
  store,
  table: config.counters,
  leaseMs: config.leaseMs,
  handlerTimeoutMs: Infinity,
  planFor: (eventId) => ({ written: () => process.send?.({ written: eventId } satisfies CrashWorkerMessage), hold: never }),
});
process.send?.({ ready: true, url: webhook.url } satisfies CrashWorkerMessage);
