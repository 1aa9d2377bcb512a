import { IdempotencyStoreError, causeText } from '../store-error.js';
import { isConnectionError, sqlState, type PostgresClient } from './client-health.js';
import { advisedError } from './postgres-advice.js';
import { ensureTableStatement } from './statements.js';
import type { TableName } from './table-name.js';

// unique_violation (the pg_type race), duplicate_table, duplicate_object, deadlock_detected:
// what a concurrent creator that bypasses the advisory lock (a migration running right now) can
// cause. The table then exists, or will on the next try.
const raceStates = new Set(['23505', '42P07', '42710', '40P01']);
const attempts = 3;

/**
 * Makes the table exist, once per store: the first caller runs the statement and everyone else
 * awaits the same promise, so deliveries after the first pay no round trip for it. A failure is
 * not remembered, so the next delivery (Stripe's retry) tries again once the cause is fixed.
 */
export function createTableGuard(client: PostgresClient, table: TableName): { ensure(): Promise<void>; forget(): void } {
  let creating: Promise<void> | undefined;
  return {
    ensure() {
      creating ??= createTable(client, table).catch((error: unknown) => {
        creating = undefined;
        throw error;
      });
      return creating;
    },
    forget() {
      creating = undefined;
    },
  };
}

async function createTable(client: PostgresClient, table: TableName): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(ensureTableStatement(table));
      return;
    } catch (error) {
      if (attempt < attempts && raceStates.has(sqlState(error) ?? '')) continue;
      throw tableError(table, error);
    }
  }
}

function tableError(table: TableName, error: unknown): IdempotencyStoreError {
  const advised = advisedError(error, table.name, `create the table "${table.name}"`);
  if (advised) return advised;
  if (isConnectionError(error)) {
    return new IdempotencyStoreError('postgres', 'not_connected', `postgresStore: cannot reach the database to create the table "${table.name}": ${causeText(error)}.`, {
      cause: error,
    });
  }
  return new IdempotencyStoreError(
    'postgres',
    'table_unavailable',
    `postgresStore: cannot create the table "${table.name}": ${causeText(error)}. Grant this role CREATE on the schema, or create the ` +
      `table in a migration with the SQL from postgresStoreSchema(${JSON.stringify(table.name)}) and pass { createTable: false }.`,
    { cause: error },
  );
}
