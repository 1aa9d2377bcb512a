// Waits for a condition instead of sleeping for a guessed time: a store's lease or retention ends
// on its server's clock, which a test cannot move, so the test polls until the store says so.
import { setTimeout as delay } from 'node:timers/promises';

/** Resolves once `condition()` resolves true; rejects naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await delay(20);
  }
}
