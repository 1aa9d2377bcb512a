// What every IdempotencyStore promises, run against each store on a real server. Each test uses
// fresh event ids, so stores opened on one namespace (table, key prefix) do not disturb each other.
import { expect, it } from 'vitest';
import type { IdempotencyStore } from '../../src/types.js';
import { waitUntil } from '../support/wait-until.js';

export interface StoreSubject {
  /**
   * A store over the subject's namespace. Stores from several calls see each other's claims,
   * like several processes sharing one database; for the memory store, calls without options
   * return the same instance.
   */
  open(options?: { retentionMs?: number }): IdempotencyStore;
  /** Whether anything is stored under the id, expired or not (durable stores only). */
  stored?(eventId: string): Promise<boolean>;
  /** Removes expired entries, for stores that need it (PostgreSQL's `cleanup()`). */
  cleanup?(store: IdempotencyStore): Promise<number>;
  /**
   * Moves the stores' clock forward, for a store whose clock the test injects (memory). Stores
   * that keep time on their server are instead polled until the lease or retention has ended.
   */
  advanceClock?(ms: number): void;
}

const concurrentClaims = 200;
const shortLeaseMs = 200;
const shortRetentionMs = 300;
// Past the short lease and retention, for an injected clock.
const pastExpiryMs = 700;

let sequence = 0;
const newEventId = () => `evt_contract_${process.pid}_${Date.now().toString(36)}_${++sequence}`;

/** What decides which tests apply, known before the subject is set up. */
export interface StoreTraits {
  /** Separate `open()` calls are separate instances (separate processes, in effect). */
  separateInstances: boolean;
  /** The store keeps expired entries until `cleanup` removes them (PostgreSQL). */
  needsCleanup: boolean;
}

/** Registers the contract's tests; call inside a `describe` whose `beforeAll` sets the subject up. */
export function storeContract(subject: () => StoreSubject, traits: StoreTraits): void {
  const instances = (count: number) => Array.from({ length: count }, () => subject().open());
  /** Lets the lease or retention end: at once on an injected clock, else when `ended()` says so. */
  const afterExpiry = async (what: string, ended: () => Promise<boolean>) => {
    subject().advanceClock?.(pastExpiryMs);
    await waitUntil(what, ended);
  };

  it(`gives exactly one of ${concurrentClaims} concurrent claims of one id, across store instances`, async () => {
    const stores = instances(4);
    const eventId = newEventId();
    const results = await Promise.all(
      Array.from({ length: concurrentClaims }, (_, index) => (stores[index % stores.length] as IdempotencyStore).claim(eventId, 60_000)),
    );
    expect(results.filter((result) => result === 'claimed')).toHaveLength(1);
    expect(results.filter((result) => result === 'in_progress')).toHaveLength(concurrentClaims - 1);
  });

  it('gives one claim per id when many ids are claimed concurrently', async () => {
    const stores = instances(4);
    const eventIds = Array.from({ length: 50 }, newEventId);
    const attempts = eventIds.flatMap((eventId) => [0, 1, 2, 3].map((copy) => ({ eventId, store: stores[copy] as IdempotencyStore })));
    const results = await Promise.all(attempts.map(async ({ eventId, store }) => ({ eventId, result: await store.claim(eventId, 60_000) })));
    for (const eventId of eventIds) {
      const outcomes = results.filter((one) => one.eventId === eventId).map((one) => one.result);
      expect(outcomes.sort()).toEqual(['claimed', 'in_progress', 'in_progress', 'in_progress']);
    }
  });

  it('answers in_progress while the lease holds, then done once completed', async () => {
    const [first, second] = instances(2) as [IdempotencyStore, IdempotencyStore];
    const eventId = newEventId();
    expect(await first.claim(eventId, 60_000)).toBe('claimed');
    expect(await second.claim(eventId, 60_000)).toBe('in_progress');
    await first.complete(eventId);
    expect(await second.claim(eventId, 60_000)).toBe('done');
    expect(await first.claim(eventId, 60_000)).toBe('done');
  });

  it('lets another instance claim the event after the lease expired (a process died)', async () => {
    const [crashed, survivor] = instances(2) as [IdempotencyStore, IdempotencyStore];
    const eventId = newEventId();
    expect(await crashed.claim(eventId, shortLeaseMs)).toBe('claimed');
    // Until the lease ends the survivor's claims answer in_progress and change nothing.
    await afterExpiry('the crashed claim expires', async () => (await survivor.claim(eventId, 60_000)) === 'claimed');
    expect(await crashed.claim(eventId, 60_000)).toBe('in_progress');
  });

  it('lets a released claim be taken again (the handler failed; Stripe retries)', async () => {
    const [failed, retry] = instances(2) as [IdempotencyStore, IdempotencyStore];
    const eventId = newEventId();
    expect(await failed.claim(eventId, 60_000)).toBe('claimed');
    await failed.release(eventId);
    expect(await retry.claim(eventId, 60_000)).toBe('claimed');
  });

  it('keeps done after a release, from the claimer or anyone else', async () => {
    const [worker, other] = instances(2) as [IdempotencyStore, IdempotencyStore];
    const eventId = newEventId();
    await worker.claim(eventId, 60_000);
    await worker.complete(eventId);
    await worker.release(eventId);
    await other.release(eventId);
    expect(await other.claim(eventId, 60_000)).toBe('done');
  });

  it('records done even when the claim is gone (a handler slower than its lease)', async () => {
    const [store] = instances(1) as [IdempotencyStore];
    const eventId = newEventId();
    await store.complete(eventId);
    expect(await store.claim(eventId, 60_000)).toBe('done');
  });

  // The memory store lives in one process, whose single instance holds every claim.
  if (traits.separateInstances) it('does not let a stale release cancel a newer claim from another instance', async () => {
    const [slow, fresh, third] = instances(3) as [IdempotencyStore, IdempotencyStore, IdempotencyStore];
    const eventId = newEventId();
    expect(await slow.claim(eventId, shortLeaseMs)).toBe('claimed');
    await afterExpiry('the slow claim expires', async () => (await fresh.claim(eventId, 60_000)) === 'claimed');
    // The slow handler fails at last and releases: only its own (expired) lease may go.
    await slow.release(eventId);
    expect(await third.claim(eventId, 60_000)).toBe('in_progress');
  });

  it('forgets a done event after the retention period, and cleanup removes it', async () => {
    const store = subject().open({ retentionMs: shortRetentionMs });
    const eventId = newEventId();
    await store.claim(eventId, 60_000);
    await store.complete(eventId);
    const { stored, cleanup } = subject();
    let removed = 0;
    if (cleanup) {
      // Until the retention ends cleanup keeps the row; then one call removes it.
      await afterExpiry('cleanup removes the done event', async () => {
        removed += await cleanup(store);
        return !(await stored!(eventId));
      });
      expect(removed).toBeGreaterThanOrEqual(1);
    } else if (stored) {
      await afterExpiry('the done event expires', async () => !(await stored(eventId)));
    } else {
      // A claim of a done event answers done and changes nothing, until the event is forgotten.
      await afterExpiry('the done event is forgotten', async () => (await store.claim(eventId, 60_000)) === 'claimed');
      return;
    }
    expect(await store.claim(eventId, 60_000)).toBe('claimed');
  });

  if (traits.needsCleanup) it('keeps live leases and retained done events through cleanup', async () => {
    const { cleanup, stored } = subject();
    const store = subject().open();
    const [running, finished, expired] = [newEventId(), newEventId(), newEventId()];
    await store.claim(running, 60_000);
    await store.claim(finished, 60_000);
    await store.complete(finished);
    await store.claim(expired, shortLeaseMs);
    await afterExpiry('cleanup removes the expired lease', async () => {
      await cleanup!(store);
      return !(await stored!(expired));
    });
    expect(await stored!(running)).toBe(true);
    expect(await stored!(finished)).toBe(true);
    expect(await store.claim(running, 60_000)).toBe('in_progress');
    expect(await store.claim(finished, 60_000)).toBe('done');
  });
}
