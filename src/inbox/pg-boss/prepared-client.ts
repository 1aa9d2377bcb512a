import { isPglite } from '../../stores/postgres/transaction-runner.js';
import { sqlState } from '../../stores/postgres/client-health.js';
import type { SqlClient } from './sql-client.js';

/** A pg Pool or Client: `query` takes a config object, whose `name` makes a prepared statement. */
interface NamedQueryClient {
  query(config: { name: string; text: string; values?: unknown[] }): Promise<{ rows: unknown[] }>;
}

// The server does not have the statement pg prepared on this connection (a pooler in transaction
// mode sent it to another server session, or something ran DEALLOCATE), or already has one by
// that name (another client of the pooler's session prepared it). Both are refused before
// anything runs, so the statement can be sent again as a plain query.
const refusedPreparation = new Set(['26000', '42P05']);

/**
 * The worker's statements per job (its fetch, settle and completion), sent as named prepared
 * statements on pg: PostgreSQL then parses and plans each once per connection instead of for every
 * job (about a quarter of the database's CPU per job, see bench/). PGlite gets plain queries.
 * Behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode without
 * `max_prepared_statements`), the first refusal turns them into plain queries for good. Only for
 * statements outside a transaction: a refusal inside one would abort it.
 */
export function preparedClient(db: SqlClient): SqlClient {
  if (isPglite(db)) return db;
  const names = new Map<string, string>();
  let prepare = true;
  return {
    async query(text, params) {
      if (!prepare) return db.query(text, params);
      try {
        return await (db as unknown as NamedQueryClient).query({ name: statementName(names, text), text, values: params });
      } catch (error) {
        if (!refusedPreparation.has(sqlState(error) ?? '')) throw error;
        prepare = false;
        return db.query(text, params);
      }
    },
  };
}

/**
 * A name per text, the same in every process and every copy of the kit sharing a pool (pg refuses
 * one name for two texts on a connection): the text's length and its 32-bit FNV-1a hash.
 */
function statementName(names: Map<string, string>, text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    let hash = 0x811c9dc5;
    for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
    name = `swk_${text.length.toString(36)}_${(hash >>> 0).toString(36)}`;
    names.set(text, name);
  }
  return name;
}
