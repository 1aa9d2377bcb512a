// Delivers an event the way Stripe does: signs each attempt afresh, and retries (with backoff,
// to any instance behind the load balancer) until an answer is 2xx. Bounded by attempts and a
// per-request timeout, so a test using it always ends.
import { setTimeout as sleep } from 'node:timers/promises';
import type Stripe from 'stripe';
import { createSignedRequest } from '../../../src/entries/testing.js';

export interface Attempt {
  worker: string;
  /** The HTTP status, or why no answer came. */
  status: number | 'network_error' | 'timeout';
  body: string;
}

export interface DeliveryOutcome {
  eventId: string;
  acknowledged: boolean;
  attempts: Attempt[];
}

export interface Endpoint {
  name: string;
  url: string;
}

export interface SenderOptions {
  secret: string;
  /** Where the next attempt goes (a load balancer's choice). */
  pickEndpoint: () => Endpoint;
  maxAttempts: number;
  requestTimeoutMs: number;
  /** Wait before attempt `attempt + 1` (attempt counts from 1). */
  backoffMs: (attempt: number) => number;
}

export async function deliverUntilAcknowledged(event: Stripe.Event, options: SenderOptions): Promise<DeliveryOutcome> {
  const attempts: Attempt[] = [];
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    const endpoint = options.pickEndpoint();
    const answer = await send(event, endpoint, options);
    attempts.push(answer);
    if (typeof answer.status === 'number' && answer.status >= 200 && answer.status < 300) return { eventId: event.id, acknowledged: true, attempts };
    if (attempt < options.maxAttempts) await sleep(options.backoffMs(attempt));
  }
  return { eventId: event.id, acknowledged: false, attempts };
}

/** One attempt; never throws. */
export async function send(event: Stripe.Event, endpoint: Endpoint, options: Pick<SenderOptions, 'secret' | 'requestTimeoutMs'>): Promise<Attempt> {
  const { body, headers } = createSignedRequest(event, options.secret);
  try {
    const response = await fetch(endpoint.url, { method: 'POST', body, headers, signal: AbortSignal.timeout(options.requestTimeoutMs) });
    return { worker: endpoint.name, status: response.status, body: await response.text() };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return { worker: endpoint.name, status: timedOut ? 'timeout' : 'network_error', body: error instanceof Error ? error.message : String(error) };
  }
}

/** Runs `tasks` with at most `limit` running at once, in order of the array. */
export async function runWithConcurrency<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  });
  await Promise.all(lanes);
  return results;
}
