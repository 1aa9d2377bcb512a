import type Stripe from 'stripe';
import type { SimulatedDelivery } from './simulated-delivery.js';

/** An event that no delivery got a 2xx for. */
export interface UnacknowledgedEvent {
  eventId: string;
  type: string;
  /** Requests sent for it, duplicates and retries included (0: the time limit came first). */
  deliveries: number;
  /** The last answer's status (0: no answer) and body, if it was sent at all. */
  lastStatus?: number;
  lastBody?: string;
}

/** Counts by status, and the events that never got a 2xx (what a test should assert is empty). */
export interface SimulationSummary {
  /** Distinct events. */
  events: number;
  /** Requests sent, duplicates and retries included. */
  deliveries: number;
  /** Requests by the status they were answered with; 0 counts requests that got no answer. */
  byStatus: Record<number, number>;
  /** Events that got a 2xx for at least one delivery. */
  acknowledged: number;
  /** Events that never got a 2xx: Stripe would have given up on them. */
  unacknowledged: UnacknowledgedEvent[];
  /** Duplicate copies sent (first deliveries of copies 2 and up). */
  duplicates: number;
  /** Of those, the ones sent together with another copy of the same event. */
  concurrentDuplicates: number;
  /** Retries sent (attempts 2 and up). */
  retries: number;
  /** First deliveries sent while an event created before them had not been sent yet. */
  outOfOrder: number;
  /** The time limit stopped the run before its schedule ended. */
  stoppedByTimeLimit: boolean;
}

export function summarizeSimulation(events: readonly Stripe.Event[], deliveries: readonly SimulatedDelivery[], stoppedByTimeLimit: boolean): SimulationSummary {
  const byStatus: Record<number, number> = {};
  const acknowledged = new Set<string>();
  const sent = new Map<string, SimulatedDelivery[]>();
  const position = new Map(events.map((event, index) => [event.id, index]));
  let duplicates = 0;
  let concurrentDuplicates = 0;
  let retries = 0;
  let outOfOrder = 0;
  let latestFirstSent = -1;
  for (const delivery of deliveries) {
    byStatus[delivery.status] = (byStatus[delivery.status] ?? 0) + 1;
    if (delivery.ok) acknowledged.add(delivery.eventId);
    sent.set(delivery.eventId, [...(sent.get(delivery.eventId) ?? []), delivery]);
    if (delivery.attempt > 1) retries++;
    else if (delivery.copy > 1) {
      duplicates++;
      if (delivery.concurrent) concurrentDuplicates++;
    } else {
      const index = position.get(delivery.eventId) ?? 0;
      if (index < latestFirstSent) outOfOrder++;
      latestFirstSent = Math.max(latestFirstSent, index);
    }
  }
  const unacknowledged = events
    .filter((event) => !acknowledged.has(event.id))
    .map((event): UnacknowledgedEvent => {
      const tries = sent.get(event.id) ?? [];
      const last = tries.at(-1);
      return { eventId: event.id, type: event.type, deliveries: tries.length, ...(last ? { lastStatus: last.status, lastBody: last.error ?? last.body } : {}) };
    });
  return {
    events: events.length,
    deliveries: deliveries.length,
    byStatus,
    acknowledged: acknowledged.size,
    unacknowledged,
    duplicates,
    concurrentDuplicates,
    retries,
    outOfOrder,
    stoppedByTimeLimit,
  };
}
