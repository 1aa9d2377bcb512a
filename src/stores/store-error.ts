import { hasErrorBrand, setErrorBrand } from '../error-brand.js';
import { describeError } from '../describe-error.js';

/** Why a durable store failed; switch on it rather than on the message. */
export type IdempotencyStoreErrorCode =
  /** The client is not connected, was closed, or cannot reach its server (SQLite: the database is closed). */
  | 'not_connected'
  /** PostgreSQL or SQLite: the table is missing and could not be created (permissions, a missing schema, a read-only database). */
  | 'table_unavailable'
  /** The server refused or failed a claim, complete, release or cleanup. */
  | 'query_failed'
  /** Transactional PostgreSQL: another delivery took the event over after this one's lease ended; nothing was committed. */
  | 'lease_lost'
  /** Transactional PostgreSQL: `ctx.db` was used after its delivery's transaction was over. */
  | 'transaction_closed';

/**
 * Thrown by `postgresStore`, `redisStore` and `sqliteStore`. The webhook handler turns it into a 500 (Stripe
 * retries) and logs the message, which names the table or key prefix, the cause and the fix.
 */
export class IdempotencyStoreError extends Error {
  override readonly name = 'IdempotencyStoreError';
  readonly code: IdempotencyStoreErrorCode;
  readonly store: 'postgres' | 'redis' | 'sqlite';

  constructor(store: 'postgres' | 'redis' | 'sqlite', code: IdempotencyStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.store = store;
    this.code = code;
    setErrorBrand(this, 'IdempotencyStoreError');
  }

  /** True for an `IdempotencyStoreError` from any copy of this package (ESM or CJS). */
  static is(value: unknown): value is IdempotencyStoreError {
    return hasErrorBrand(value, 'IdempotencyStoreError');
  }
}

/** The message of whatever a client threw, for error messages that name the cause; never throws. */
export function causeText(error: unknown): string {
  try {
    return errorText(error);
  } catch {
    return describeError(error);
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    // Node's connection errors from `net` can be an AggregateError with an empty message.
    if (error.message) return error.message;
    if (error instanceof AggregateError && error.errors.length > 0) return causeText(error.errors[0]);
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    return error.name;
  }
  return describeError(error);
}
