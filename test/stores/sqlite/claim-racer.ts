// One process of the cross-process race: opens the shared database file, says it is ready, and
// on "go" claims every id once, then reports its answers to the parent and exits.
import { sqliteStore } from '../../../src/stores/sqlite-store.js';
import { opener, type NodeDriver } from './sqlite-drivers.js';

export interface RacerConfig {
  driver: NodeDriver;
  /** better-sqlite3's prefix in the runtime cache. */
  prefix?: string;
  file: string;
  table: string;
  eventIds: string[];
}

export type RacerMessage = { ready: true } | { results: string[] };

const config = JSON.parse(process.env.RACER_CONFIG as string) as RacerConfig;
const db = opener(config.driver, config.prefix)(config.file);
// Six processes fsyncing one file on a shared, noisy machine can keep one waiting past the 5 s
// the store would set; what is tested here is who wins a claim, not how long a loser waits.
db.exec('PRAGMA busy_timeout = 60000');
const store = sqliteStore(db, { table: config.table });
await store.ready();
const send = (message: RacerMessage) => new Promise((resolve) => process.send?.(message, resolve));
process.once('message', async () => {
  const results = await Promise.all(config.eventIds.map((eventId) => store.claim(eventId, 60_000)));
  await send({ results });
  db.close();
  process.disconnect();
});
await send({ ready: true });
