// What each runtime checks from inside itself, with the packed package: both verifiers,
// `signPayload`, and `simulateDeliveries` sending to a server. It reports; the checker asserts.
import { verifyAndParse, verifyAndParseAsync, type IdempotencyStore } from 'stripe-webhook-kit';
import { createTestEvent, signPayload, simulateDeliveries } from 'stripe-webhook-kit/testing';

export interface ProbeReport {
  runtime: string;
  verifiedAsync: string;
  verifiedSync: string;
  forgedRefused: string;
  simulation: { events: number; acknowledged: number; deliveries: number; sessions: string[] };
  stores: Record<string, string[]>;
  /** Spans a handler started with OpenTelemetry: found on its own, or passed as `telemetry.api`. */
  spans?: string[];
}

/** Verifies events signed here, then delivers two checkout events (one twice) to `target`. */
export async function probe(runtime: string, target: string, secret: string, stores: Record<string, IdempotencyStore> = {}): Promise<ProbeReport> {
  const event = createTestEvent('payment_intent.succeeded');
  const payload = JSON.stringify(event);
  const header = signPayload(payload, secret);
  const forged = await verifyAndParseAsync(payload, header, `${secret}_other`).then(
    () => 'accepted',
    (error: { code?: string }) => error.code ?? 'no code',
  );
  const events = [createTestEvent('checkout.session.completed'), createTestEvent('checkout.session.completed')];
  const run = await simulateDeliveries({ url: target, secret, events, seed: 7, duplicates: 1, retry: 'none' });
  const claims: Record<string, string[]> = {};
  for (const [name, store] of Object.entries(stores)) claims[name] = await claimTwice(store, `evt_probe_${event.id}`);
  return {
    runtime,
    verifiedAsync: (await verifyAndParseAsync(payload, header, secret)).id === event.id ? 'ok' : 'wrong event',
    verifiedSync: verifyAndParse(payload, header, secret).id === event.id ? 'ok' : 'wrong event',
    forgedRefused: forged,
    simulation: {
      events: run.summary.events,
      acknowledged: run.summary.acknowledged,
      deliveries: run.summary.deliveries,
      sessions: events.map((sent) => sent.data.object.id),
    },
    stores: claims,
  };
}

// A claim, a competing claim while it is held, then a claim after it is done. Tokens are UUIDs,
// as the handler makes them (the PostgreSQL store keeps them in a uuid column).
async function claimTwice(store: IdempotencyStore, eventId: string): Promise<string[]> {
  const token = crypto.randomUUID();
  const first = await store.claim(eventId, 30_000, token);
  const competing = await store.claim(eventId, 30_000, crypto.randomUUID());
  await store.complete(eventId, token);
  return [first, competing, await store.claim(eventId, 30_000, crypto.randomUUID())];
}
