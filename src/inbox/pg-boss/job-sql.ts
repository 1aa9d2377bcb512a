import { invalidOption } from '../../options.js';
import { InboxError } from '../inbox-error.js';
import { freeClaim, settleStatement, type EventLogTables } from './event-log-sql.js';
import type { SqlClient } from './sql-client.js';

/*
 * The inbox fetches and completes its own jobs in pg-boss's job table, so that the event log's
 * claim rides in the fetch and its settle in the completion: two statements per event, as pg-boss's
 * own worker makes for a bare job, instead of four (fetch, claim, settle, complete). Retries, dead
 * letters, expiry and sending stay pg-boss's (`fail`, `send`, its maintenance): only the hot path
 * knows the table, and only at the schema versions below, which the tests run.
 */

interface JobTableDialect {
  /** The pg-boss releases that wrote this schema version, for the error messages. */
  release: string;
  /** pg-boss's clock in SQL. */
  now: (schema: string) => string;
  /** What else makes a job fetchable. */
  fetchable: (now: string) => string;
  /** What else pg-boss sets on a job it hands to a worker. */
  activate: (schema: string) => string;
}

const dialects: Record<number, JobTableDialect> = {
  24: { release: 'pg-boss 10', now: () => 'now()', fetchable: (now) => `start_after < ${now}`, activate: () => '' },
  46: {
    release: 'pg-boss 12',
    now: (schema) => `${schema}.job_now()`,
    fetchable: (now) => `NOT blocked AND start_after <= ${now}`,
    activate: (schema) => `, heartbeat_on = ${schema}.job_now()`,
  },
};
const known = Object.entries(dialects).map(([version, dialect]) => `${version} (${dialect.release})`).join(' and ');

/** The job row a fetch returns, with the event's claim when the fetch could make it. */
export interface FetchedJobRow {
  id: string;
  data: { eventId?: unknown; generation?: unknown };
  retryCount: number;
  retryLimit: number;
  /** Null when the event could not be claimed: the worker then asks why (claim()). */
  payload: unknown;
  created: string;
  trace_context: string | null;
  received_at: Date | string;
  attempt_count: number;
  started_at: Date | string;
}

export interface JobStatements {
  /** $1 queue; with a claim, $2 token and $3 lease ms: at most one job, claimed for its event. */
  fetch: string;
  /** The settle of event-log-sql.ts, completing job $6 of queue $5 when the event was settled. */
  settleAndComplete: string;
  /** $1 event, $2 status (the output, as the inbox writes it), $3 queue, $4 job. */
  complete: string;
}

/** pg-boss's schema (as it names it: unquoted) from its options; the default is pg-boss's. */
export function pgBossSchema(schema: unknown): string {
  if (typeof schema === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) return schema;
  throw invalidOption('type', 'pgBossInbox', 'schema', 'the name of the schema pg-boss runs in (letters, digits and "_")', schema);
}

/**
 * Reads pg-boss's schema version and the queue's table, and builds the statements for them;
 * refuses a version it does not know, or a queue whose policy changes how jobs are fetched.
 */
export async function jobStatements(db: SqlClient, schema: string, queue: string, tables: EventLogTables, claim: boolean): Promise<JobStatements> {
  const version = await db.query(`SELECT max(version) AS version FROM ${schema}.version`).then(
    (result) => Number((result.rows[0] as { version?: unknown } | undefined)?.version),
    (error: unknown) => {
      throw new InboxError(
        'invalid_options',
        `pgBossInbox: no pg-boss schema "${schema}" in the event log's database (${describe(error)}). ` +
          'Pass `schema` when pg-boss runs in another schema than its default, on a `db` you gave it; and give pgBossInbox the database pg-boss runs on.',
      );
    },
  );
  const dialect = dialects[version];
  if (!dialect) {
    throw new InboxError(
      'invalid_options',
      `pgBossInbox: pg-boss's schema "${schema}" is at version ${String(version)}; the inbox's worker knows versions ${known}. ` +
        'Install a pg-boss release with one of them (10.4 or later 10.x, 12.38 or later 12.x with the same schema), or a stripe-webhook-kit that knows this one.',
    );
  }
  const { rows } = await db.query(`SELECT * FROM ${schema}.queue WHERE name = $1`, [queue]);
  const found = rows[0] as { policy?: string | null; table_name?: string } | undefined;
  if (found && found.policy != null && found.policy !== 'standard') {
    throw new InboxError('invalid_options', `pgBossInbox: pg-boss's queue "${queue}" has the policy "${found.policy}"; the inbox needs the standard policy. Use another queue name, or delete that queue.`);
  }
  const jobs = `${schema}.${found?.table_name && /^\w+$/.test(found.table_name) ? found.table_name : 'job'}`;
  const now = dialect.now(schema);
  const fetchJob = `next AS (
  SELECT id FROM ${jobs} WHERE name = $1 AND state < 'active' AND ${dialect.fetchable(now)}
  ORDER BY priority DESC, created_on, id LIMIT 1 FOR UPDATE SKIP LOCKED
), job AS (
  UPDATE ${jobs} j SET state = 'active', started_on = ${now}${dialect.activate(schema)},
    retry_count = CASE WHEN j.started_on IS NOT NULL THEN j.retry_count + 1 ELSE j.retry_count END
  FROM next WHERE j.name = $1 AND j.id = next.id
  RETURNING j.id, j.data, j.retry_count, j.retry_limit
)`;
  const jobColumns = 'job.id, job.data, job.retry_count AS "retryCount", job.retry_limit AS "retryLimit"';
  // Only when the event was settled by this statement: a lost lease leaves the job active, for the
  // worker's failure to reach pg-boss's retries as before.
  const completeWhen = (event: string, status: string, name: string, id: string, condition: string) =>
    `completed AS (
  UPDATE ${jobs} SET state = 'completed', completed_on = ${now}, output = jsonb_build_object('eventId', ${event}::text, 'status', ${status}::text)
  WHERE name = ${name} AND id = ${id}::uuid AND state = 'active'${condition}
)`;
  return {
    fetch: claim
      ? `WITH ${fetchJob}, claimed AS (
  UPDATE ${tables.events} SET ${freeClaim.set}
  FROM job WHERE event_id = job.data->>'eventId' AND ${freeClaim.where}
  RETURNING ${freeClaim.returning}
)
SELECT ${jobColumns}, claimed.* FROM job LEFT JOIN claimed ON true`
      : `WITH ${fetchJob} SELECT ${jobColumns} FROM job`,
    settleAndComplete: settleStatement(tables, completeWhen('$1', '$3', '$5', '$6', ' AND EXISTS (SELECT 1 FROM settled)')),
    complete: `WITH ${completeWhen('$1', '$2', '$3', '$4', '')} SELECT 1`,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
