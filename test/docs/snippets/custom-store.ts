import type { ClaimResult, IdempotencyStore } from 'stripe-webhook-kit';

interface Row {
  state: 'in_progress' | 'done';
  token: string | undefined;
  expiresAt: number;
}

/** A store over any key-value table; `rows` stands for your database. */
export function tableStore(rows: Map<string, Row>, retentionMs: number): IdempotencyStore {
  return {
    // The handler passes a fresh token with every claim: keep it with the lease.
    async claim(eventId, leaseMs, token): Promise<ClaimResult> {
      const row = rows.get(eventId);
      if (row && row.expiresAt > Date.now()) {
        if (row.state === 'done') return 'done';
        // The same claim sent again (a reply lost to a reconnect) is still this claim.
        return token !== undefined && row.token === token ? 'claimed' : 'in_progress';
      }
      rows.set(eventId, { state: 'in_progress', token, expiresAt: Date.now() + leaseMs });
      return 'claimed';
    },
    async complete(eventId) {
      rows.set(eventId, { state: 'done', token: undefined, expiresAt: Date.now() + retentionMs });
    },
    // Only the lease taken with this token: never a newer claim of another delivery.
    async release(eventId, token) {
      const row = rows.get(eventId);
      if (row?.state === 'in_progress' && (token === undefined || row.token === token)) rows.delete(eventId);
    },
  };
}
