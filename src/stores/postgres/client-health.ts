import type { WebhookLogger } from '../../types.js';

/**
 * What the store needs from a database client: `pg`'s Pool and Client and PGlite all fit, and so
 * does anything else with this method (a wrapper that logs, a test double over a real database).
 */
export interface PostgresClient {
  /** A parameterized query, as `pg` and PGlite run it. */
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * A pg Pool emits 'error' when an idle client's connection drops (PostgreSQL restarted, a proxy
 * cut it). With no listener Node throws it: the whole app crashes on a database restart that the
 * store itself would ride out (a claim that fails is answered 500 and Stripe retries).
 */
export function warnAboutUnheardPoolErrors(client: PostgresClient, logger: WebhookLogger): void {
  const pool = client as unknown as { listenerCount?: unknown; totalCount?: unknown; connect?: unknown };
  const isPgPool = typeof pool.listenerCount === 'function' && typeof pool.connect === 'function' && typeof pool.totalCount === 'number';
  if (!isPgPool || (pool.listenerCount as (event: string) => number)('error') > 0) return;
  logger.warn(
    "postgresStore: this pg Pool has no 'error' listener, so a dropped idle connection (a PostgreSQL restart) will crash the process. " +
      "Add one where the Pool is created: pool.on('error', (error) => logger.warn('idle PostgreSQL client failed', error)).",
  );
}

/**
 * Why the client cannot run queries, judged from its shape before sending anything, or
 * `undefined` when it looks usable. An unconnected `pg` Client is the case that matters: pg queues
 * its queries until `connect()` is called, so without this check a claim would hang forever
 * instead of failing. The fields read are pg's and PGlite's own state flags.
 */
export function unusableClientReason(client: PostgresClient): string | undefined {
  const state = client as unknown as Record<string, unknown>;
  if (state.closed === true) return 'the PGlite instance is closed; open a new one';
  if (state.ended === true || state.ending === true) return 'the pg Pool was ended (pool.end()); pass an open Pool';
  if (state._ending === true) return 'the pg Client was closed (client.end()); pass a connected Client or a Pool';
  if (state._connected === false && state._connecting === false && typeof state.connect === 'function') {
    return 'the pg Client is not connected: call `await client.connect()` first, or pass a pg Pool, which connects by itself';
  }
  return undefined;
}

// Node's socket errors, and PostgreSQL's class 08 (connection exception) and 57P (operator
// intervention: shutdown, cannot connect now).
const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);
const connectionMessages = /Connection terminated|not queryable|Cannot use a pool after calling end|PGlite is closed|timeout exceeded when trying to connect|Client was closed/i;

/** True when an error from the client means "cannot reach the database" rather than "bad SQL". */
export function isConnectionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (connectionErrorCodes.has(code) || code.startsWith('08') || code.startsWith('57P'))) return true;
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  return error instanceof Error && connectionMessages.test(error.message);
}

/** PostgreSQL's SQLSTATE of an error, when it has one. */
export function sqlState(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
