import type Stripe from 'stripe';
import type { InboxClaim } from '../engine.js';
import type { InboxEntry } from '../types.js';

// The rows the event log's statements return (event-log-sql.ts, list-query.ts) and pg-boss's job
// rows, and what the inbox makes of them.

export interface JobRow {
  id?: string;
  data: { eventId?: unknown; generation?: unknown };
  retryCount: number;
  retryLimit: number;
}

/** What a claim hands the worker: the row as it was before this attempt. */
export function claimed(row: ClaimedRow, stale: boolean, startedAt: Date | string | undefined): Extract<InboxClaim, { state: 'claimed' }> {
  return {
    state: 'claimed',
    event: parsePayload(row.payload),
    stale,
    startedAt: new Date(startedAt ?? Date.now()),
    receivedAt: new Date(row.received_at),
    attempt: Number(row.attempt_count) + 1,
    ...(row.trace_context ? { traceContext: row.trace_context } : {}),
  };
}

export interface ClaimedRow {
  payload: Stripe.Event;
  created: string;
  trace_context: string | null;
  received_at: Date | string;
  attempt_count: number;
  started_at?: Date | string;
}

export interface ClaimRow {
  status: string;
  payload: Stripe.Event;
  object_id: string | null;
  created: string;
  trace_context: string | null;
  received_at: Date | string;
  attempt_count: number;
  leased: boolean | null;
  lease_left_ms: number | null;
}

export interface EntryRow {
  event_id: string;
  type: string;
  status: InboxEntry['status'];
  object_id: string | null;
  order_ref: string | null;
  received_us: string;
  created: string | number;
  received_at: Date | string;
  updated_at: Date | string;
  attempt_count: number;
  seq: string | number;
}

export function jobEvent(job: JobRow): { eventId: string; generation: number } {
  return { eventId: String(job.data.eventId), generation: Number(job.data.generation ?? 0) };
}

export function toEntry(row: EntryRow): InboxEntry {
  return {
    id: row.event_id,
    type: row.type as InboxEntry['type'],
    status: row.status,
    objectId: row.object_id ?? undefined,
    orderId: row.order_ref ?? undefined,
    created: Number(row.created),
    receivedAt: new Date(row.received_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    attemptCount: Number(row.attempt_count),
  };
}

export function parsePayload(payload: Stripe.Event | string): Stripe.Event {
  return typeof payload === 'string' ? (JSON.parse(payload) as Stripe.Event) : payload;
}
