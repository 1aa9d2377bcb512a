// The paths of the guarantee matrix that need nothing of its shared state: the HTTP handler over a
// store, handleTrustedDelivery and catchUp, each also over a store that cannot be reached.
import { PGlite } from '@electric-sql/pglite';
import type Stripe from 'stripe';
import { catchUp, type CatchUpOutcome } from '../../src/catch-up/catch-up.js';
import { CatchUpError } from '../../src/catch-up/catch-up-error.js';
import type { WebhookHandler } from '../../src/handler/build-webhook-handler.js';
import { createSignedRequest, createTestEvent } from '../../src/entries/testing.js';
import { handleTrustedDelivery } from '../../src/trusted/handle-trusted-delivery.js';
import { testSecret } from '../support/deliveries.js';
import type { StripeApiStandIn } from '../support/stripe-api/events-server.js';

/** One path: delivers an event with the current behaviour, and answers what became of it. */
export interface Path {
  name: string;
  deliver(id: string): Promise<string>;
  /** Runs a cell this path has its own way of answering (a stop, a replay), or `undefined`. */
  special?(situation: string, id: string): Promise<string | undefined>;
  /** Delivers to the same path over a store or engine that cannot be reached. */
  unreachable?(id: string): Promise<string>;
  /** What gives a done event a second chance on this path, when it has no replay of its own. */
  again?: string;
  transactional: boolean;
  close(): Promise<void>;
}

const httpAnswer = (status: number, body: string): string => {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  if (status === 200) return parsed.duplicate ? 'duplicate' : parsed.discarded ? 'discarded' : 'processed';
  return parsed.error === 'handler_failed' ? 'failed' : String(parsed.error);
};

/** How a path is built: `down` is the same handler over a store that cannot be reached. */
export interface PathOptions {
  transactional?: boolean;
  close?: () => Promise<void>;
  down?: WebhookHandler;
}

export async function deliverHttp(handler: WebhookHandler, id: string): Promise<string> {
  const request = createSignedRequest(createTestEvent('customer.created', { id }), testSecret);
  const response = await handler.handle({ method: 'POST', headers: request.headers, body: request.body });
  return httpAnswer(response.status, response.body);
}

export function httpPath(name: string, handler: WebhookHandler, { transactional = false, close = async () => undefined, down }: PathOptions = {}): Path {
  return {
    name,
    transactional,
    again: 'a redelivery',
    deliver: (id) => deliverHttp(handler, id),
    unreachable: down && ((id) => deliverHttp(down, id)),
    close,
  };
}

async function deliverTrusted(handler: WebhookHandler, id: string): Promise<{ outcome: string; retry: boolean }> {
  const envelope = { 'detail-type': 'customer.created', source: 'aws.partner/stripe.com/ed_test', detail: createTestEvent('customer.created', { id }) };
  return handleTrustedDelivery(envelope, { handler });
}

export function trustedPath(handler: WebhookHandler, down: WebhookHandler): Path {
  return {
    name: 'handleTrustedDelivery({ handler })',
    transactional: false,
    again: 'a redelivery',
    deliver: async (id) => (await deliverTrusted(handler, id)).outcome,
    async unreachable(id) {
      const { outcome, retry } = await deliverTrusted(down, id);
      return `${outcome}, retry: ${retry}`;
    },
    close: async () => undefined,
  };
}

// catchUp reads each cell's event from the stand-in in a window of its own, so a run reads it alone.
export function catchUpPath(api: StripeApiStandIn, handler: WebhookHandler, down: WebhookHandler): Path {
  const stripe: Stripe = api.client();
  const windows = new Map<string, number>();
  let next = 1_790_000_000 - 30 * 86_400;
  const run = async (via: WebhookHandler, id: string): Promise<string> => {
    let created = windows.get(id);
    if (created === undefined) {
      created = next += 10;
      windows.set(id, created);
      api.addEvents([createTestEvent('customer.created', { id, created } as never)]);
    }
    let outcome: CatchUpOutcome | undefined;
    const onProgress = (progress: { outcome: CatchUpOutcome }) => (outcome = progress.outcome);
    const now = () => ((created as number) + 1) * 1000;
    try {
      await catchUp({ stripe, since: created, handler: via, logger: false, now, onProgress });
    } catch (error) {
      if (error instanceof CatchUpError) return `CatchUpError ${error.code}`;
      throw error;
    }
    return outcome ?? 'not read';
  };
  return {
    name: 'catchUp({ handler })',
    transactional: false,
    again: 'a second run',
    deliver: (id) => run(handler, id),
    unreachable: (id) => run(down, id),
    close: () => api.close(),
  };
}

// Nothing listens on port 1 of the loopback: a client pointed there is refused at once.
export const refusedPostgresUrl = 'postgres://postgres@127.0.0.1:1/none';

/** A PGlite that is closed: every query fails, as it would with its database gone. */
export async function closedPglite(): Promise<PGlite> {
  const db = await PGlite.create();
  await db.close();
  return db;
}

