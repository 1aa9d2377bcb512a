// The inbox contract on pg-boss (10 on Node 20; the current major where Node >= 22, see
// pg-boss-current.test.ts), on PGlite and on PostgreSQL.
import { afterAll, describe } from 'vitest';
import { pgBossInbox } from '../../src/inbox/pg-boss/pg-boss-inbox.js';
import { serviceAvailable } from '../support/services.js';
import { inboxContract, type InboxSubject } from './inbox-contract.js';
import { pgBossMajor, startPgBossOnPglite, startPgBossOnPostgres, type PgBossSetup } from './pg-boss-engines.js';

const postgres = await serviceAvailable('PostgreSQL');

function subjectOn(start: () => Promise<PgBossSetup>): () => InboxSubject {
  let setup: Promise<PgBossSetup> | undefined;
  let count = 0;
  afterAll(async () => (await setup)?.close());
  return () => ({
    async open(options) {
      const { boss, db, table } = await (setup ??= start());
      count++;
      return pgBossInbox(boss, { db, table: `${table}_${count}`, queue: `inbox-${count}`, pollingIntervalSeconds: 0.5, ...options });
    },
    async broken() {
      const { boss } = await (setup ??= start());
      const refused = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1'));
      return pgBossInbox(boss, { db: { query: refused, connect: refused }, queue: 'inbox-broken' });
    },
  });
}

describe(`pgBossInbox on pg-boss ${pgBossMajor} and PGlite`, () => {
  inboxContract(subjectOn(startPgBossOnPglite));
});

describe.skipIf(!postgres)(`pgBossInbox on pg-boss ${pgBossMajor} and PostgreSQL`, () => {
  inboxContract(subjectOn(() => startPgBossOnPostgres()));
});
