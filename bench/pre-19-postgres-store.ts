// postgresStore as it was before claims and completions shared statements, kept only as the bench's reference: a claim per
// delivery and a durable one-event completion per delivery, two statements and two commits each.
// The same guarantees as today's store (atomic claims with lease takeover, durable completions,
// releases that give up only their own lease), so its row measures what batching gained.
import type { IdempotencyStore } from '../src/entries/index.js';
import type { PostgresClient } from '../src/stores/postgres-store.js';
import { releaseStatement } from '../src/stores/postgres/statements.js';
import { parseTableName } from '../src/stores/postgres/table-name.js';

/** $1 event id, $2 a fresh lease token, $3 lease in ms: one event's claim, one statement. */
export function preIssue19ClaimStatement(quoted: string): string {
  const expired = 'held.expires_at <= statement_timestamp()';
  return `INSERT INTO ${quoted} AS held (event_id, state, lease_token, expires_at, updated_at)
VALUES ($1, 'in_progress', $2::uuid, statement_timestamp() + $3::double precision * interval '1 millisecond', statement_timestamp())
ON CONFLICT (event_id) DO UPDATE SET
  state       = CASE WHEN ${expired} THEN EXCLUDED.state       ELSE held.state       END,
  lease_token = CASE WHEN ${expired} THEN EXCLUDED.lease_token ELSE held.lease_token END,
  updated_at  = CASE WHEN ${expired} THEN EXCLUDED.updated_at  ELSE held.updated_at  END,
  expires_at  = CASE WHEN ${expired} THEN EXCLUDED.expires_at  ELSE held.expires_at  END
RETURNING held.state, held.lease_token IS NOT DISTINCT FROM $2::uuid AS claimed`;
}

/** $1 event id, $2 retention in ms: one event's completion, its own durable commit. */
export function preIssue19CompleteStatement(quoted: string): string {
  return `INSERT INTO ${quoted} AS held (event_id, state, lease_token, expires_at, updated_at)
VALUES ($1, 'done', NULL, statement_timestamp() + $2::double precision * interval '1 millisecond', statement_timestamp())
ON CONFLICT (event_id) DO UPDATE SET
  state = 'done', lease_token = NULL, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at`;
}

/** The unshared store over `client`, on a table that already exists (postgresStoreSchema's). */
export function preIssue19PostgresStore(client: PostgresClient, table: string, retentionMs = 7 * 24 * 3600 * 1000): IdempotencyStore {
  const name = parseTableName(table);
  const claim = preIssue19ClaimStatement(name.quoted);
  const complete = preIssue19CompleteStatement(name.quoted);
  const release = releaseStatement(name);
  return {
    async claim(eventId, leaseMs, token) {
      const { rows } = await client.query(claim, [eventId, token ?? globalThis.crypto.randomUUID(), leaseMs]);
      const row = rows[0] as { state: string; claimed: boolean } | undefined;
      if (row?.claimed === true) return 'claimed';
      return row?.state === 'done' ? 'done' : 'in_progress';
    },
    async complete(eventId) {
      await client.query(complete, [eventId, retentionMs]);
    },
    async release(eventId, token) {
      await client.query(release, [eventId, token ?? null]);
    },
  };
}
