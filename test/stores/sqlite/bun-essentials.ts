// Run by Bun (not vitest): the store contract's essentials over bun:sqlite, two connections to one
// database file standing for two instances of an app. Prints what each step answered, as JSON,
// for sqlite-store-bun.test.ts to check.
import { sqliteStore, type SqliteStore, type SyncSqliteDatabaseLike } from '../../../src/stores/sqlite-store.js';

// A computed specifier, so that Node's type checker does not look for Bun's module.
const bunSqlite = 'bun:sqlite';
const { Database } = (await import(bunSqlite)) as { Database: new (file: string) => SyncSqliteDatabaseLike & { close(): void } };
const file = process.argv[2] as string;
const connections = [new Database(file), new Database(file)];
const [first, second] = connections.map((db) => sqliteStore(db, { table: 'bun_events', retentionMs: 300 }));
if (!first || !second) throw new Error('two stores expected');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Claims until `want` comes back (a lease or retention ending on the database clock), or gives up. */
async function claimUntil(store: SqliteStore, eventId: string, want: string): Promise<string> {
  let answer = '';
  for (let attempt = 0; attempt < 200 && answer !== want; attempt++) {
    answer = await store.claim(eventId, 60_000);
    if (answer !== want) await sleep(25);
  }
  return answer;
}

const concurrent = await Promise.all(Array.from({ length: 20 }, (_, index) => (index % 2 ? first : second).claim('evt_bun_concurrent', 60_000)));

await first.claim('evt_bun_done', 60_000);
const whileLeased = await second.claim('evt_bun_done', 60_000);
await first.complete('evt_bun_done');
const afterComplete = await second.claim('evt_bun_done', 60_000);

await first.claim('evt_bun_released', 60_000);
await first.release('evt_bun_released');
const afterRelease = await second.claim('evt_bun_released', 60_000);

await first.claim('evt_bun_expired', 100);
const afterExpiry = await claimUntil(second, 'evt_bun_expired', 'claimed');
await first.release('evt_bun_expired');
const afterStaleRelease = await first.claim('evt_bun_expired', 60_000);

await sleep(400);
const removed = await first.cleanup();
const afterRetention = await second.claim('evt_bun_done', 60_000);

console.log(JSON.stringify({ driver: first.driver, concurrent, whileLeased, afterComplete, afterRelease, afterExpiry, afterStaleRelease, removed, afterRetention }));
for (const db of connections) db.close();
