import type { InboxDelivery } from '../engine.js';
import { claimed, jobEvent } from './event-log-rows.js';
import type { FetchedJobRow, JobStatements } from './job-sql.js';
import type { SqlClient } from './sql-client.js';

/** Where pg-boss reports its own workers' errors: its `error` event, when the app listens to it. */
export function reportToEngine(boss: object): (error: unknown) => void {
  const events = boss as { listenerCount?(name: string): number; emit?(name: string, error: unknown): boolean };
  return (error) => void (events.listenerCount?.('error') && events.emit?.('error', error));
}

/** A job this process fetched and has not finished: its settle may complete it in the same statement. */
export interface HeldJob {
  id: string;
  token: string;
  /** Completed already (with the event's settle, or in the handlers' transaction). */
  completed: boolean;
}

export interface JobWorkerOptions {
  db: SqlClient;
  statements: JobStatements;
  queue: string;
  leaseMs: number;
  /** True when the fetch claims the event too (`ordering: 'none'`). */
  claims: boolean;
  slots: number;
  pollingMs: number;
  /** The jobs fetched and not finished, by token, for `settle` and `completeInTransaction`. */
  held: Map<string, HeldJob>;
  /** pg-boss `fail`: its retries, backoff and dead letter. */
  fail: (id: string, error: unknown) => Promise<unknown>;
  onError: (error: unknown) => void;
}

/**
 * pg-boss's polling worker, with the inbox's own fetch: `slots` loops, each fetching one job at a
 * time, fetching again at once after a job and pausing `pollingMs` after an empty fetch (or an
 * error). A job whose run rejects is failed through pg-boss, as its own worker does; one that ran
 * and was not completed with its event (nothing to run, or handed back) is completed after.
 */
export function startJobWorker(options: JobWorkerOptions, run: (delivery: InboxDelivery) => Promise<void>): { stop(): Promise<void> } {
  const { db, statements, queue, leaseMs, held } = options;
  let stopping = false;
  const pauses = new Set<() => void>();
  const pause = () =>
    new Promise<void>((resolve) => {
      const end = () => {
        clearTimeout(timer);
        pauses.delete(end);
        resolve();
      };
      const timer = setTimeout(end, options.pollingMs);
      pauses.add(end);
    });

  async function fetchJob(): Promise<{ row: FetchedJobRow; token: string } | undefined> {
    // Web Crypto's, not node:crypto's: the inbox imports no Node module.
    const token = globalThis.crypto.randomUUID();
    const { rows } = await db.query(statements.fetch, options.claims ? [queue, token, leaseMs] : [queue]);
    const row = rows[0] as FetchedJobRow | undefined;
    return row && { row, token };
  }

  async function runJob({ row, token }: { row: FetchedJobRow; token: string }): Promise<void> {
    const job: HeldJob = { id: row.id, token, completed: false };
    held.set(token, job);
    const { eventId, generation } = jobEvent(row);
    try {
      await run({
        eventId,
        generation,
        lastAttempt: row.retryCount >= row.retryLimit,
        jobId: row.id,
        token,
        ...(row.payload != null && { claim: claimed(row as Parameters<typeof claimed>[0], false, row.started_at) }),
      });
      if (!job.completed) await db.query(statements.complete, [eventId, 'skipped', queue, row.id]);
    } catch (error) {
      await options.fail(row.id, error);
    } finally {
      held.delete(token);
    }
  }

  async function slot(): Promise<void> {
    while (!stopping) {
      const fetched = await fetchJob().catch((error: unknown) => void options.onError(error));
      if (fetched) await runJob(fetched).catch(options.onError);
      else if (!stopping) await pause();
    }
  }
  const slots = Array.from({ length: options.slots }, slot);

  return {
    async stop() {
      stopping = true;
      for (const end of [...pauses]) end();
      await Promise.all(slots);
    },
  };
}
