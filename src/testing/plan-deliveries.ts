import type { SeededRandom } from './seeded-random.js';

/** One request the simulator means to send. Times are seconds of Stripe's time after the start. */
export interface PlannedSend {
  /** Index into the events, sorted by `created`. */
  eventIndex: number;
  /** 1 for the original delivery, 2 and up for the duplicates of the same event. */
  copy: number;
  /** 1 for a copy's first delivery, then its retries. */
  attempt: number;
  /** Sent at the same moment as another copy of the same event, so the two overlap. */
  concurrent: boolean;
}

/** Requests started together; the next group starts once they have all been answered. */
export interface SendGroup {
  at: number;
  sends: PlannedSend[];
}

export interface PlanOptions {
  eventCount: number;
  duplicates: number;
  reorder: boolean;
  concurrency: number;
}

// Stripe sends an event shortly after it happens; first deliveries follow each other by up to this.
const maxGapSeconds = 30;
// A duplicate that is not concurrent comes within ten minutes of the original.
const maxDuplicateDelaySeconds = 600;
// Of the duplicated events, this share is delivered a third time.
const thirdCopyChance = 0.25;
// Of the duplicate copies, this share is sent together with the original (when concurrency allows).
const concurrentCopyChance = 0.5;

/**
 * The first deliveries and the duplicates, as groups in time order, derived only from `random`
 * (seeded) and the options: the same seed gives the same plan. Retries are added while the run
 * goes, since they depend on the answers.
 */
export function planDeliveries(options: PlanOptions, random: SeededRandom): SendGroup[] {
  const indices = Array.from({ length: options.eventCount }, (_, index) => index);
  const order = options.reorder ? random.shuffle(indices) : indices;

  // Each unit: an event's original delivery and the copies sent with it.
  const units: PlannedSend[][] = [];
  const later: Array<{ send: PlannedSend; delay: number; unit: number }> = [];
  for (const eventIndex of order) {
    const unit: PlannedSend[] = [{ eventIndex, copy: 1, attempt: 1, concurrent: false }];
    const extraCopies = random.chance(options.duplicates) ? (random.chance(thirdCopyChance) ? 2 : 1) : 0;
    for (let copy = 2; copy <= extraCopies + 1; copy++) {
      const together = random.chance(concurrentCopyChance) && unit.length < options.concurrency;
      const send: PlannedSend = { eventIndex, copy, attempt: 1, concurrent: together };
      if (together) unit.push(send);
      else later.push({ send, delay: 1 + random.below(maxDuplicateDelaySeconds), unit: units.length });
    }
    if (unit.length > 1) for (const send of unit) send.concurrent = true;
    units.push(unit);
  }

  // Units packed into groups of at most `concurrency` requests, of a seeded size.
  const groups: SendGroup[] = [];
  const unitTimes: number[] = [];
  let at = 0;
  let next = 0;
  while (next < units.length) {
    const capacity = 1 + random.below(options.concurrency);
    const sends: PlannedSend[] = [...(units[next] as PlannedSend[])];
    unitTimes[next++] = at;
    while (next < units.length && sends.length + (units[next] as PlannedSend[]).length <= capacity) {
      sends.push(...(units[next] as PlannedSend[]));
      unitTimes[next++] = at;
    }
    groups.push({ at, sends });
    at += random.below(maxGapSeconds + 1);
  }
  for (const { send, delay, unit } of later) groups.push({ at: (unitTimes[unit] as number) + delay, sends: [send] });
  // Stable: groups due at the same second keep the order in which they were planned.
  return groups.sort((a, b) => a.at - b.at);
}
