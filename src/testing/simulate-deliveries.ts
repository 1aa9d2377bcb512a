import { planDeliveries, type PlannedSend, type SendGroup } from './plan-deliveries.js';
import { seededRandom } from './seeded-random.js';
import { sendSignedDelivery } from './send-signed-delivery.js';
import { signPayload } from './sign-payload.js';
import { resolveSimulationOptions, type SimulateDeliveriesOptions } from './simulation-options.js';
import { summarizeSimulation, type SimulationSummary } from './simulation-summary.js';
import type { SimulatedDelivery } from './simulated-delivery.js';
import { retryDelaySeconds } from './stripe-retry-schedule.js';

export type { SimulatedDelivery } from './simulated-delivery.js';

/** Every delivery the simulator made, in the order sent, and their summary. */
export interface SimulationRun {
  /** The seed the schedule came from: pass it again to replay the same schedule. */
  seed: number;
  /** Every request, in the order they were sent. */
  deliveries: SimulatedDelivery[];
  summary: SimulationSummary;
}

// Two streams from one seed: the plan's draws must not depend on how many retries happened.
const retryStream = 0x9e3779b9;

/**
 * Delivers `events` to your endpoint the way Stripe does, on purpose and reproducibly: signed,
 * with the headers Stripe sends, some events more than once (some copies at the same moment),
 * out of order when `reorder` is set, and with every non-2xx answer or failed request retried on
 * Stripe's live-mode schedule (exponential backoff over three days), compressed in time.
 *
 * Everything is derived from `seed`: which events are duplicated, the order, which requests are
 * sent together, the retries' jitter, the signature timestamps. Against an endpoint that answers
 * the same way, the same seed sends the same requests, byte for byte, in the same order. (When
 * two copies race, which one your endpoint answers 409 may vary, and so may the retry after it.)
 *
 * @example
 * const run = await simulateDeliveries({ url, secret, events: checkoutScenario('async-succeeded', { orderId }), seed: 7, duplicates: 0.3, reorder: true, concurrency: 4 });
 * expect(run.summary.unacknowledged).toEqual([]);
 */
export async function simulateDeliveries(options: SimulateDeliveriesOptions): Promise<SimulationRun> {
  const settings = resolveSimulationOptions(options);
  const { events, secret, url } = settings;
  const payloads = events.map((event) => JSON.stringify(event, null, 2));
  const retryRandom = seededRandom(settings.seed ^ retryStream);
  const toMs = (stripeSeconds: number) => (stripeSeconds * 1000) / settings.speedup;

  const queue = planDeliveries({ ...settings, eventCount: events.length }, seededRandom(settings.seed));
  const deliveries: SimulatedDelivery[] = [];
  const started = performance.now();
  let stoppedByTimeLimit = false;

  const send = async (planned: PlannedSend, at: number): Promise<SimulatedDelivery> => {
    const event = events[planned.eventIndex] as (typeof events)[number];
    const payload = payloads[planned.eventIndex] as string;
    const scheduledAt = toMs(at);
    const signature = signPayload(payload, secret, { timestamp: settings.signedAt + Math.floor(scheduledAt / 1000) });
    const sentAt = Date.now();
    const answer = await sendSignedDelivery(url, payload, signature, settings.timeoutMs);
    const ok = answer.status >= 200 && answer.status < 300;
    return { eventId: event.id, type: event.type, copy: planned.copy, attempt: planned.attempt, concurrent: planned.concurrent, scheduledAt, sentAt, signature, ...answer, ok };
  };

  for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
    const due = toMs(group.at);
    if (due > settings.timeLimitMs || performance.now() - started > settings.timeLimitMs) {
      stoppedByTimeLimit = true;
      break;
    }
    await waitUntil(started + due);
    const at = group.at;
    const results = await Promise.all(group.sends.map((planned) => send(planned, at)));
    for (const [index, delivery] of results.entries()) {
      deliveries.push(delivery);
      options.onDelivery?.(delivery);
      const planned = group.sends[index] as PlannedSend;
      if (delivery.ok || planned.attempt >= settings.maxAttempts) continue;
      const retry: SendGroup = { at: at + retryDelaySeconds(planned.attempt, retryRandom.next()), sends: [{ ...planned, attempt: planned.attempt + 1, concurrent: false }] };
      insertInTimeOrder(queue, retry);
    }
  }
  return { seed: settings.seed, deliveries, summary: summarizeSimulation(events, deliveries, stoppedByTimeLimit) };
}

/** After the groups due at the same time or earlier, so that ties keep the order they were made in. */
function insertInTimeOrder(queue: SendGroup[], group: SendGroup): void {
  const index = queue.findIndex((queued) => queued.at > group.at);
  if (index === -1) queue.push(group);
  else queue.splice(index, 0, group);
}

function waitUntil(time: number): Promise<void> {
  const delay = time - performance.now();
  return delay > 0 ? new Promise((resolve) => setTimeout(resolve, delay)) : Promise.resolve();
}
