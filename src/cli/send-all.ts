import type { DeliveryResult } from './deliver.js';

/**
 * Runs `send(0) ... send(count - 1)` with at most `concurrency` in flight, reporting each result
 * as it arrives. The first failure to get any answer stops new sends (the server is likely gone,
 * so the rest would fail the same way); the sends already in flight finish, then it is thrown.
 */
export async function sendAll(
  count: number,
  concurrency: number,
  send: (index: number) => Promise<DeliveryResult>,
  onResult: (result: DeliveryResult) => void,
): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;

  async function worker() {
    while (failure === undefined && next < count) {
      const index = next++;
      try {
        const result = await send(index);
        results.push(result);
        onResult(result);
      } catch (error) {
        failure ??= { error };
      }
    }
  }

  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
