import { usageError } from './errors.js';
import { eventTypes } from '../generated/event-types.js';
import { closestMatch } from './suggest.js';

const knownTypes: ReadonlySet<string> = new Set(eventTypes);

/**
 * `--types a,b --types c`: the event types to read, each checked against stripe-node's list so a
 * typo is caught before the run (an unknown type would silently match nothing).
 */
export function parseEventTypeList(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const types = [...new Set(values.flatMap((value) => value.split(',')).map((type) => type.trim()).filter((type) => type !== ''))];
  if (types.length === 0) throw usageError('--types needs at least one event type, e.g. --types checkout.session.completed,invoice.paid');
  for (const type of types) {
    if (knownTypes.has(type)) continue;
    const suggestion = closestMatch(type, eventTypes);
    throw usageError(`--types: "${type}" is not a Stripe event type${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
  }
  return types;
}
