// sharedDeadline: deadlines of one length share a timer, so each must still end at its own time,
// whatever became of the ones before it, and an idle one must not keep a process alive.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { sharedDeadline, timedOut, withinDeadline } from '../../src/processing/deadline.js';

const never = () => new Promise<never>(() => undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with how long `promise` took to settle, in ms, and what it gave. */
async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await promise;
  return { ms: performance.now() - started, value };
}

describe.each([
  ['withinDeadline', (ms: number) => <T>(work: Promise<T>) => withinDeadline(work, ms)],
  ['sharedDeadline', sharedDeadline],
])('%s', (_name, deadlineOf) => {
  it("answers the work's value or error when it settles in time", async () => {
    const deadline = deadlineOf(1000);
    await expect(deadline(Promise.resolve('done'))).resolves.toBe('done');
    await expect(deadline(Promise.reject(new Error('handler failed')))).rejects.toThrow('handler failed');
    await expect(deadline(sleep(20).then(() => 7))).resolves.toBe(7);
  });

  it('answers timedOut once the time is up, and the late outcome changes nothing', async () => {
    let finish = (_value: string) => {};
    const work = new Promise<string>((resolve) => (finish = resolve));
    const { ms, value } = await timed(deadlineOf(60)(work));
    expect(value).toBe(timedOut);
    expect(ms).toBeGreaterThanOrEqual(55);
    finish('late');
  });

  it('waits without limit for Infinity', async () => {
    await expect(deadlineOf(Infinity)(sleep(20).then(() => 'ok'))).resolves.toBe('ok');
  });
});

describe('sharedDeadline', () => {
  it('ends each deadline at its own time, not at the one that began first', async () => {
    const deadline = sharedDeadline(100);
    const first = timed(deadline(never()));
    await sleep(50);
    const second = timed(deadline(never()));
    const [a, b] = await Promise.all([first, second]);
    expect(a.value).toBe(timedOut);
    expect(b.value).toBe(timedOut);
    expect(a.ms).toBeGreaterThanOrEqual(95);
    // The second began about 50 ms later: it must not have ended with the first.
    expect(b.ms).toBeGreaterThanOrEqual(95);
  });

  it('still ends a deadline whose predecessors all settled early', async () => {
    const deadline = sharedDeadline(80);
    const early = Array.from({ length: 50 }, () => deadline(sleep(5).then(() => 'ok')));
    await sleep(40);
    const late = timed(deadline(never()));
    expect(await Promise.all(early)).toEqual(Array(50).fill('ok'));
    const { ms, value } = await late;
    expect(value).toBe(timedOut);
    expect(ms).toBeGreaterThanOrEqual(75);
  });

  it('starts again after a quiet spell, from the deadline that comes next', async () => {
    const deadline = sharedDeadline(60);
    expect(await deadline(Promise.resolve(1))).toBe(1);
    await sleep(30);
    const { ms, value } = await timed(deadline(never()));
    expect(value).toBe(timedOut);
    expect(ms).toBeGreaterThanOrEqual(55);
  });

  it('lets the process exit when all its work settled, long before any deadline', async () => {
    const deadline = fileURLToPath(new URL('../../src/processing/deadline.ts', import.meta.url));
    const script = `const { sharedDeadline } = await import(${JSON.stringify(deadline)});
      const deadline = sharedDeadline(600000);
      for (let i = 0; i < 3; i++) await deadline(Promise.resolve(i));
      console.log('settled');`;
    const started = performance.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 30_000 });
    expect(stdout.trim()).toBe('settled');
    // A timer kept alive by the list would hold the process for 10 minutes.
    expect(performance.now() - started).toBeLessThan(25_000);
  });
});
