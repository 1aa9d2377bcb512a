import { IdempotencyStoreError, causeText, type IdempotencyStoreErrorCode } from '../store-error.js';
import { sqlState } from './client-health.js';

/** What a PostgreSQL failure means for the store, and what the operator should do about it. */
export interface PostgresAdvice {
  code: IdempotencyStoreErrorCode;
  /** The problem, in words. */
  problem: string;
  /** The fix, in words. */
  fix: string;
}

/**
 * The advice for the failures an operator meets while setting a store up, by SQLSTATE (or Node's
 * socket code). These are not the table's fault: "grant CREATE" would send them the wrong way.
 * `undefined` for anything else, which the caller describes itself.
 */
export function postgresAdvice(error: unknown, table: string): PostgresAdvice | undefined {
  const state = sqlState(error);
  switch (state) {
    case '3D000':
      return {
        code: 'not_connected',
        problem: 'the database named in the connection settings does not exist',
        fix: 'create it (`createdb <name>`, or `CREATE DATABASE <name>`), or fix the database name in the connection string or PGDATABASE',
      };
    case '28P01':
    case '28000':
      return {
        code: 'not_connected',
        problem: 'PostgreSQL refused to authenticate this role',
        fix: 'check the user and password in the connection string (or PGUSER/PGPASSWORD), that the role exists with LOGIN, and that pg_hba.conf admits it from this host',
      };
    case '42501':
      return {
        code: 'table_unavailable',
        problem: `this role lacks a privilege on the table "${table}" or its schema`,
        fix:
          `grant it what the store needs (\`GRANT USAGE, CREATE ON SCHEMA <schema> TO <role>\` to create the table; \`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO <role>\` to use it), ` +
          `or create the table in a migration with the SQL from postgresStoreSchema(${JSON.stringify(table)}) and pass { createTable: false }`,
      };
    case '25006':
      return {
        code: 'query_failed',
        problem: 'the server only allows read-only transactions (a standby or read replica, or default_transaction_read_only = on)',
        fix: 'point the store at the primary (read-write) server, or turn default_transaction_read_only off for this role or database',
      };
    case '57P03':
      return {
        code: 'not_connected',
        problem: 'the server is not accepting connections yet (starting up, shutting down, or in recovery)',
        fix: 'wait for it to finish; Stripe retries the delivery, and the store connects once the server accepts connections',
      };
    case '3F000':
      return {
        code: 'table_unavailable',
        problem: `the schema of the table "${table}" does not exist`,
        fix: 'create the schema (`CREATE SCHEMA <schema>`), or name a table in an existing schema',
      };
    default:
      break;
  }
  if (socketCode(error) === 'ECONNREFUSED') {
    return {
      code: 'not_connected',
      problem: 'nothing is listening at the host and port in the connection settings',
      fix: 'start PostgreSQL, or fix the host and port in the connection string (or PGHOST/PGPORT)',
    };
  }
  return undefined;
}

// Node's connection errors may arrive as an AggregateError (one per address tried).
function socketCode(error: unknown): string | undefined {
  try {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (error instanceof AggregateError) return error.errors.map(socketCode).find((one) => one !== undefined);
  } catch {
    // A thrown value with a hostile getter has no code worth reading.
  }
  return undefined;
}

/**
 * The store error for a failure `postgresAdvice` knows, naming the cause and the fix; `doing`
 * names the table (`create the table "x"`, `claim the event (table "x")`).
 */
export function advisedError(error: unknown, table: string, doing: string): IdempotencyStoreError | undefined {
  const advice = postgresAdvice(error, table);
  if (advice === undefined) return undefined;
  return new IdempotencyStoreError('postgres', advice.code, `postgresStore: cannot ${doing}: ${advice.problem} (${causeText(error)}). To fix: ${advice.fix}.`, {
    cause: error,
  });
}
