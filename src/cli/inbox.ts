// `stripe-webhook-kit inbox list|show|replay|stats|health`: reads and replays a durable inbox.
import type { InboxEntry, InboxListFilter, InboxStatus } from '../inbox/types.js';
import { inboxStatuses } from '../inbox/types.js';
import { parseCommandLine } from './args.js';
import { usageError } from './errors.js';
import { connectInbox, inboxTargetOf, inboxTargetOptions } from './inbox-connect.js';
import { healthOptions, parseHealthOptions, printHealth } from './inbox-health.js';
import type { CliIo } from './io.js';

const actions = ['list', 'show', 'replay', 'stats', 'health'] as const;

/** Resolves to the exit code. */
export async function inboxCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine('inbox', args, {
    ...inboxTargetOptions,
    ...healthOptions,
    status: { type: 'string' },
    type: { type: 'string' },
    object: { type: 'string' },
    order: { type: 'string' },
    search: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    'include-done': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const [action, ...ids] = positionals;
  if (!actions.includes(action as (typeof actions)[number])) {
    throw usageError(`expected one of ${actions.join(', ')}${action === undefined ? '' : `, got "${action}"`} (see: stripe-webhook-kit inbox --help)`);
  }
  const filter = parseFilter(values);
  const limits = parseHealthOptions(values);
  const json = values.json === true;
  const { inbox, close } = await connectInbox(inboxTargetOf(values, io.env));
  const print = (text: string) => io.stdout.write(`${text}\n`);
  try {
    if (action === 'health') return await printHealth(inbox, limits, json, io);
    if (action === 'stats') {
      const stats = await inbox.stats();
      print(json ? JSON.stringify(stats) : inboxStatuses.map((status) => `${status.padEnd(10)} ${stats[status]}`).join('\n'));
      return 0;
    }
    if (action === 'list') {
      const page = await inbox.list(filter);
      if (json) print(JSON.stringify(page));
      else for (const entry of page.items) print(formatEntry(entry));
      if (!json && page.items.length === 0) print('no events match');
      return 0;
    }
    if (action === 'show') {
      if (ids.length !== 1) throw usageError('inbox show takes one event id: stripe-webhook-kit inbox show evt_...');
      const record = await inbox.get(ids[0] as string);
      if (!record) {
        io.stderr.write(`no event ${ids[0]} in the inbox\n`);
        return 1;
      }
      print(JSON.stringify(record, null, 2));
      return 0;
    }
    // replay: given ids, or everything the filter selects (at least one filter, so that a bare
    // `inbox replay` cannot re-run the whole history).
    const { limit: _limit, ...selection } = filter;
    if (ids.length === 0 && Object.keys(selection).length === 0) {
      throw usageError('inbox replay needs event ids or a filter: stripe-webhook-kit inbox replay evt_... (or --status dead)');
    }
    // Done events run again only when asked: their handlers' writes would apply a second time.
    const includeDone = values['include-done'] === true;
    const count = await inbox.replay({ ...(ids.length > 0 ? { ids } : selection), includeDone });
    print(json ? JSON.stringify({ replayed: count }) : `re-queued ${count} event${count === 1 ? '' : 's'}`);
    return 0;
  } finally {
    await close();
  }
}

function parseFilter(values: { status?: string; type?: string; object?: string; order?: string; search?: string; since?: string; limit?: string }): InboxListFilter {
  const filter: InboxListFilter = {};
  if (values.status !== undefined) {
    const statuses = values.status.split(',') as InboxStatus[];
    for (const status of statuses) if (!inboxStatuses.includes(status)) throw usageError(`--status must be one of ${inboxStatuses.join(', ')}`);
    filter.status = statuses;
  }
  if (values.type !== undefined) filter.type = values.type;
  if (values.object !== undefined) filter.objectId = values.object;
  if (values.order !== undefined) filter.orderId = values.order;
  if (values.search !== undefined) {
    if (values.search.trim() === '') throw usageError('--search needs an event id, object id or order id');
    filter.search = values.search;
  }
  if (values.since !== undefined) filter.since = parseSince(values.since);
  if (values.limit !== undefined) {
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw usageError('--limit must be a whole number from 1 to 1000');
    filter.limit = limit;
  }
  return filter;
}

/** `--since 24h`, `30m`, `7d`, or an ISO date. */
function parseSince(text: string): Date {
  const relative = /^(\d+)([mhd])$/.exec(text);
  if (relative) return new Date(Date.now() - Number(relative[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd']);
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw usageError('--since must be a duration (30m, 24h, 7d) or an ISO date');
  return date;
}

function formatEntry(entry: InboxEntry): string {
  return [entry.receivedAt, entry.status.padEnd(10), entry.id, entry.type, entry.objectId ?? '-', entry.orderId ?? '-', `attempts ${entry.attemptCount}`].join('  ');
}
