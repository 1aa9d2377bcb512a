// One store namespace (a PostgreSQL table or a Redis key prefix) for all workers of a test, and
// its removal afterwards.
import { Redis } from 'ioredis';
import type pg from 'pg';
import { deleteKeys } from '../../support/service-cleanup.js';
import { redisUrl, uniqueName } from '../../support/services.js';
import type { WorkerConfig } from './worker-config.js';

export type StoreKind = 'postgres' | 'redis';

export interface SharedStore {
  kind: StoreKind;
  /** The store part of worker `index`'s config; Redis workers alternate ioredis and node-redis. */
  forWorker(index: number): WorkerConfig['store'];
  remove(pool: pg.Pool): Promise<void>;
}

export function sharedStore(kind: StoreKind): SharedStore {
  if (kind === 'postgres') {
    const table = uniqueName('events');
    return { kind, forWorker: () => ({ kind, table }), remove: async (pool) => void (await pool.query(`DROP TABLE IF EXISTS ${table}`)) };
  }
  const prefix = `${uniqueName('events')}:`;
  return {
    kind,
    forWorker: (index) => ({ kind, client: index % 2 === 0 ? 'ioredis' : 'node-redis', prefix }),
    async remove() {
      const client = new Redis(redisUrl);
      try {
        await deleteKeys(client, prefix);
      } finally {
        client.disconnect();
      }
    },
  };
}
