import { describeError } from '../router/create-webhook-router.js';
import { invalidOption } from '../options.js';
import type { WebhookLogger } from '../types.js';
import type { Inbox, InboxAttempt, InboxEvent } from './types.js';

/**
 * `startInboxWorker({ onDead })`: called once for each event that becomes dead, in the worker that
 * settled it, with the event and every attempt (their errors included). It runs beside the worker:
 * what it throws or rejects is logged, never retried, and never holds a job.
 */
export type DeadLetterHook = (event: InboxEvent, attempts: InboxAttempt[]) => void | Promise<void>;

/** What a worker calls when it marked an event dead, and awaits on stop. */
export interface DeadLetterNotifier {
  notify(event: { id: string }): void;
  /** Resolves once the hooks already called have settled. */
  settled(): Promise<void>;
}

/**
 * Both ways an event becomes dead lead here: its last attempt failed in this worker, or the engine
 * gave up on its job (the last worker died) and this worker marked it. Each is recorded by one
 * atomic change of the log, so exactly one worker of a fleet calls the hook for an event. The
 * event and its attempts are read back from the log, so both ways hand over the same record.
 */
export function deadLetterNotifier(inbox: Pick<Inbox, 'get'>, hook: DeadLetterHook | undefined, logger: WebhookLogger): DeadLetterNotifier {
  if (hook !== undefined && typeof hook !== 'function') throw invalidOption('type', 'startInboxWorker', 'onDead', 'a function (event, attempts) => void', hook);
  const running = new Set<Promise<void>>();
  return {
    notify({ id }) {
      if (!hook) return;
      const call = (async () => {
        const record = await inbox.get(id);
        if (record) await hook(record.event, record.attempts);
      })().catch((error: unknown) => logger.error('onDead failed for a dead event; the worker goes on (the event stays dead in the inbox)', { eventId: id, error: describeError(error) }));
      const tracked = call.then(() => void running.delete(tracked));
      running.add(tracked);
    },
    async settled() {
      await Promise.all(running);
    },
  };
}
