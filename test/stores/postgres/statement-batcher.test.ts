// Claims and completions of concurrent deliveries share statements: fewer commits, the
// same answers. Run through postgresStore on the shared PostgreSQL, with a client that records
// (and, where a test needs it, fails or stalls) the claim and completion statements it is asked
// to send.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresClient } from '../../../src/stores/postgres-store.js';
import { dropTables } from '../../support/service-cleanup.js';
import { pgUrl, serviceAvailable, uniqueName } from '../../support/services.js';
import { storeError } from '../../support/store-error.js';
import { waitUntil } from '../../support/wait-until.js';

const postgres = await serviceAvailable('PostgreSQL');

const isCompletion = (text: string) => text.includes('unnest($1::text[])');
const isClaim = (text: string) => text.includes('unnest($1::text[], $2::uuid[]');

describe.skipIf(!postgres)('postgresStore claims and completions, batched', () => {
  let pool: pg.Pool;
  const tables: string[] = [];
  const table = (kind: string) => {
    const name = uniqueName(kind);
    tables.push(name);
    return name;
  };
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: pgUrl, max: 6 });
  });
  afterAll(async () => {
    await dropTables(pool, tables);
    await pool.end();
  });

  /** The pool, with the claim and completion statements it sent (their event ids) and a way to fail or stall them. */
  function recordingClient() {
    const completions: string[][] = [];
    const claims: string[][] = [];
    const control = { failNext: 0, failNextClaim: 0, stall: undefined as Promise<void> | undefined };
    const client: PostgresClient = {
      async query(text, params) {
        if (isClaim(text)) {
          claims.push([...((params?.[0] as string[]) ?? [])]);
          if (control.failNextClaim > 0) {
            control.failNextClaim--;
            throw new Error('connection reset by the test');
          }
        }
        if (isCompletion(text)) {
          completions.push([...((params?.[0] as string[]) ?? [])]);
          if (control.failNext > 0) {
            control.failNext--;
            throw new Error('connection reset by the test');
          }
          if (control.stall) await control.stall;
        }
        return pool.query(text, params);
      },
    };
    return { client, completions, claims, control };
  }

  async function stateOf(name: string, eventId: string): Promise<string | undefined> {
    const { rows } = await pool.query<{ state: string }>(`SELECT state FROM ${name} WHERE event_id = $1`, [eventId]);
    return rows[0]?.state;
  }

  it('sends concurrent completions together, and resolves each only once its event is done', async () => {
    const name = table('batch');
    const { client, completions } = recordingClient();
    const store = postgresStore(client, { table: name });
    const ids = Array.from({ length: 40 }, (_, index) => `evt_batch_${index}`);
    for (const id of ids) expect(await store.claim(id, 60_000)).toBe('claimed');

    // Read on another connection the moment each completion resolves.
    const seen = await Promise.all(ids.map((id) => store.complete(id).then(() => stateOf(name, id))));

    expect(seen).toEqual(ids.map(() => 'done'));
    expect(completions.flat().sort()).toEqual([...ids].sort());
    expect(completions.length).toBeLessThan(ids.length);
    for (const id of ids) expect(await store.claim(id, 60_000)).toBe('done');
  });

  it('sends a lone completion at once, in a statement of its own', async () => {
    const { client, completions } = recordingClient();
    const store = postgresStore(client, { table: table('lone') });
    await store.claim('evt_lone', 60_000);
    await store.complete('evt_lone');
    expect(completions).toEqual([['evt_lone']]);
  });

  it('completes an event completed twice at once (one row per statement)', async () => {
    const name = table('twice');
    const { client, completions } = recordingClient();
    const store = postgresStore(client, { table: name });
    await store.claim('evt_twice', 60_000);
    await Promise.all([store.complete('evt_twice'), store.complete('evt_twice'), store.complete('evt_other')]);
    expect(completions.every((sent) => new Set(sent).size === sent.length)).toBe(true);
    expect(await stateOf(name, 'evt_twice')).toBe('done');
    expect(await stateOf(name, 'evt_other')).toBe('done');
  });

  it('fails every completion of a failed statement with a store error, and each can be retried', async () => {
    const name = table('failed');
    const { client, control } = recordingClient();
    const store = postgresStore(client, { table: name });
    const ids = ['evt_fail_1', 'evt_fail_2', 'evt_fail_3'];
    for (const id of ids) await store.claim(id, 60_000);
    control.failNext = 1;

    const errors = await Promise.all(ids.map((id) => storeError(store.complete(id))));
    for (const error of errors) {
      expect(error.code).toBe('query_failed');
      expect(error.message).toContain(`table "${name}"`);
      expect(error.message).toContain('connection reset by the test');
    }
    // Nothing was marked: the lease still holds duplicates off.
    for (const id of ids) expect(await store.claim(id, 60_000)).toBe('in_progress');

    await Promise.all(ids.map((id) => store.complete(id)));
    for (const id of ids) expect(await store.claim(id, 60_000)).toBe('done');
  });

  it('does not hold completions back behind statements that stall', async () => {
    const name = table('stall');
    const { client, completions, control } = recordingClient();
    const store = postgresStore(client, { table: name });
    for (const id of ['evt_stuck_1', 'evt_stuck_2', 'evt_free']) await store.claim(id, 60_000);
    let unstall: () => void = () => undefined;
    control.stall = new Promise<void>((resolve) => (unstall = resolve));
    // Two statements stall (one each: the second is sent while the first is in flight)...
    const stuckOne = store.complete('evt_stuck_1');
    await waitUntil('the first completion is sent', () => completions.length === 1);
    const stuckTwo = store.complete('evt_stuck_2');
    await waitUntil('the second completion is sent', () => completions.length === 2);
    control.stall = undefined;
    // ...and a third completion is still sent and answered while they hang.
    let stuckSettled = false;
    void Promise.allSettled([stuckOne, stuckTwo]).then(() => (stuckSettled = true));
    await store.complete('evt_free');
    expect(stuckSettled).toBe(false);
    expect(await stateOf(name, 'evt_free')).toBe('done');

    unstall();
    await Promise.all([stuckOne, stuckTwo]);
    expect(await stateOf(name, 'evt_stuck_1')).toBe('done');
    expect(await stateOf(name, 'evt_stuck_2')).toBe('done');
  });
  it('sends concurrent claims together, and of the claims of one id made at once exactly one is claimed', async () => {
    const name = table('claims');
    const { client, claims } = recordingClient();
    const store = postgresStore(client, { table: name });
    const ids = Array.from({ length: 30 }, (_, index) => `evt_claim_${index}`);
    // Each id three times in the same turn: the repeats wait for a later statement.
    const answers = await Promise.all(ids.flatMap((id) => [0, 1, 2].map(() => store.claim(id, 60_000, globalThis.crypto.randomUUID()).then((answer) => [id, answer]))));

    for (const id of ids) {
      const mine = answers.filter(([claimed]) => claimed === id).map(([, answer]) => answer);
      expect(mine.sort()).toEqual(['claimed', 'in_progress', 'in_progress']);
      expect(await stateOf(name, id)).toBe('in_progress');
    }
    expect(claims.every((sent) => new Set(sent).size === sent.length)).toBe(true);
    expect(claims.flat().length).toBe(ids.length * 3);
    expect(claims.length).toBeLessThan(ids.length);
  });

  it('answers each claim of a shared statement by its own state, lease and token', async () => {
    const name = table('mixed');
    const { client, claims } = recordingClient();
    const store = postgresStore(client, { table: name });
    const token = globalThis.crypto.randomUUID();
    expect(await store.claim('evt_mine', 60_000, token)).toBe('claimed');
    expect(await store.claim('evt_done', 60_000)).toBe('claimed');
    await store.complete('evt_done');
    claims.length = 0;

    const answers = await Promise.all([
      store.claim('evt_short', 1_500),
      store.claim('evt_long', 90_000),
      store.claim('evt_done', 60_000),
      // The same claim sent again (a lost reply): its own live lease answers 'claimed'.
      store.claim('evt_mine', 60_000, token),
      store.claim('evt_mine', 60_000, globalThis.crypto.randomUUID()),
    ]);

    expect(answers).toEqual(['claimed', 'claimed', 'done', 'claimed', 'in_progress']);
    expect(claims[0]?.sort()).toEqual(['evt_done', 'evt_long', 'evt_mine', 'evt_short']);
    const { rows } = await pool.query<{ event_id: string; lease_ms: number }>(
      `SELECT event_id, round(extract(epoch FROM expires_at - updated_at) * 1000)::int AS lease_ms FROM ${name} WHERE event_id IN ('evt_short', 'evt_long') ORDER BY event_id`,
    );
    expect(rows).toEqual([
      { event_id: 'evt_long', lease_ms: 90_000 },
      { event_id: 'evt_short', lease_ms: 1_500 },
    ]);
  });

  it('fails every claim of a failed statement with a store error, and claims none of them', async () => {
    const name = table('claim_failed');
    const { client, control } = recordingClient();
    const store = postgresStore(client, { table: name });
    await store.ready();
    const ids = ['evt_claim_fail_1', 'evt_claim_fail_2', 'evt_claim_fail_3'];
    control.failNextClaim = 1;

    const errors = await Promise.all(ids.map((id) => storeError(store.claim(id, 60_000))));
    for (const error of errors) {
      expect(error.code).toBe('query_failed');
      expect(error.message).toContain(`table "${name}"`);
      expect(error.message).toContain('connection reset by the test');
    }
    for (const id of ids) expect(await stateOf(name, id)).toBeUndefined();
    // Stripe's retries claim them as if the failure had not happened.
    expect(await Promise.all(ids.map((id) => store.claim(id, 60_000)))).toEqual(['claimed', 'claimed', 'claimed']);
  });
});

