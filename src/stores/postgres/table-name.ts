import { invalidOption } from '../../options.js';
import { plainIdentifier } from '../identifier.js';

/** A validated table name, ready to be placed in SQL. */
export interface TableName {
  /** As the user wrote it, for messages. */
  readonly name: string;
  /** Double-quoted, schema-qualified when a schema was given: `"billing"."webhook_events"`. */
  readonly quoted: string;
  /** The expiry index's name; `CREATE INDEX` puts it in the table's schema. */
  readonly indexName: string;
}

// PostgreSQL silently truncates longer identifiers, so two long names could share one table.
const maxIdentifierBytes = 63;
const indexSuffix = '_expires_at_idx';

export const defaultTableName = 'stripe_webhook_events';

/** Validates `schema.table` or `table`; throws a `TypeError` that says what is allowed. */
export function parseTableName(name: unknown): TableName {
  const parts = typeof name === 'string' ? name.split('.') : [];
  const valid = parts.length >= 1 && parts.length <= 2 && parts.every((part) => plainIdentifier.test(part) && part.length <= maxIdentifierBytes);
  if (typeof name !== 'string' || !valid) {
    throw invalidOption(
      'type',
      'postgresStore',
      'table',
      `letters, digits and underscores (not starting with a digit, at most ${maxIdentifierBytes} characters), ` +
        'optionally prefixed by a schema: "webhook_events" or "billing.webhook_events"',
      name,
    );
  }
  const table = parts[parts.length - 1] as string;
  const schema = parts.length === 2 ? parts[0] : undefined;
  const indexName = table.slice(0, maxIdentifierBytes - indexSuffix.length) + indexSuffix;
  return { name, quoted: schema === undefined ? `"${table}"` : `"${schema}"."${table}"`, indexName };
}
