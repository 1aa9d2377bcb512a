import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/stores/memory-store.js';

function clock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('memoryStore', () => {
  it('gives exactly one of 1,000 concurrent claims of one id', async () => {
    const store = memoryStore();
    const results = await Promise.all(Array.from({ length: 1000 }, () => store.claim('evt_1', 60_000)));
    expect(results.filter((result) => result === 'claimed')).toHaveLength(1);
    expect(results.filter((result) => result === 'in_progress')).toHaveLength(999);
  });

  it('answers done after complete, and release does not undo it', async () => {
    const store = memoryStore();
    expect(await store.claim('evt_1', 1000)).toBe('claimed');
    await store.complete('evt_1');
    await store.release('evt_1');
    expect(await store.claim('evt_1', 1000)).toBe('done');
  });

  it('lets a released claim be taken again', async () => {
    const store = memoryStore();
    await store.claim('evt_1', 60_000);
    await store.release('evt_1');
    expect(await store.claim('evt_1', 60_000)).toBe('claimed');
  });

  it('expires a lease, so a retry after a crash runs the event again', async () => {
    const time = clock();
    const store = memoryStore({ now: time.now });
    expect(await store.claim('evt_1', 5000)).toBe('claimed');
    time.advance(4999);
    expect(await store.claim('evt_1', 5000)).toBe('in_progress');
    time.advance(1);
    expect(await store.claim('evt_1', 5000)).toBe('claimed');
  });

  it('forgets done events after the retention period', async () => {
    const time = clock();
    const store = memoryStore({ now: time.now, retentionMs: 10_000 });
    await store.claim('evt_1', 1000);
    await store.complete('evt_1');
    time.advance(9999);
    expect(await store.claim('evt_1', 1000)).toBe('done');
    time.advance(1);
    expect(await store.claim('evt_1', 1000)).toBe('claimed');
  });

  it('bounds memory by maxEntries, forgetting the oldest first', async () => {
    const store = memoryStore({ maxEntries: 100 });
    for (let i = 0; i < 1000; i++) {
      await store.claim(`evt_${i}`, 60_000);
      await store.complete(`evt_${i}`);
    }
    expect(store.size).toBe(100);
    expect(await store.claim('evt_999', 1000)).toBe('done');
    expect(await store.claim('evt_0', 1000)).toBe('claimed');
  });

  it('forgets the oldest 1/64 of a large cap at once, keeping the newest', async () => {
    const store = memoryStore({ maxEntries: 6400 });
    for (let i = 0; i < 10_000; i++) {
      await store.claim(`evt_${i}`, 60_000);
      await store.complete(`evt_${i}`);
      expect(store.size).toBeLessThanOrEqual(6400);
    }
    expect(store.size).toBeGreaterThan(6400 - 100);
    expect(await store.claim('evt_9999', 1000)).toBe('done');
    expect(await store.claim(`evt_${10_000 - 6300}`, 1000)).toBe('done');
    expect(await store.claim('evt_0', 1000)).toBe('claimed');
  });

  it('sweeps expired entries as it goes, so retention also bounds memory', async () => {
    const time = clock();
    const store = memoryStore({ now: time.now, retentionMs: 1000 });
    for (let i = 0; i < 5000; i++) {
      await store.claim(`evt_${i}`, 100);
      await store.complete(`evt_${i}`);
      time.advance(10);
    }
    // 1,000 ms of retention at one event per 10 ms keeps about 100, plus at most one sweep interval.
    expect(store.size).toBeLessThanOrEqual(100 + 1024);
    expect(store.size).toBeGreaterThanOrEqual(100);
  });

  it('validates its options', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => memoryStore({ retentionMs: -1 })).toThrow(/retentionMs/);
  });
});
