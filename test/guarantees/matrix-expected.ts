// The answers test/guarantees/guarantee-matrix.test.ts expects, one per path and situation.
// `in_progress` for HTTP is the 409 a concurrent duplicate gets while the first runs; the inbox
// answers `duplicate` at ingress, since the event is stored once.
const same = {
  'handler throws': 'failed',
  NonRetryableError: 'discarded',
  'every handler NonRetryableError': 'discarded',
  'NonRetryableError and Error (AggregateError)': 'failed',
  'unprintable throw (revoked Proxy)': 'failed',
  'hang past the deadline': 'handler_timeout, signal aborted',
};

// A store path has no replay: Stripe's redelivery of a done event is what reaches it again.
const storePath = {
  duplicate: 'duplicate, handlers ran 1x',
  'concurrent duplicate': 'in_progress + processed, handlers ran 1x',
  ...same,
  'ctx.db used after settling': 'n/a',
  'stop mid-handler': 'n/a',
  'replay of a done event': 'no replay; a redelivery: duplicate, handlers ran 1x',
};

const inboxPath = {
  duplicate: 'duplicate, handlers ran 1x',
  'concurrent duplicate': 'duplicate + processed, handlers ran 1x',
  ...same,
  'ctx.db used after settling': 'refused (transaction_closed)',
  'stop mid-handler': 'failed, signal aborted',
  'replay of a done event': '0 re-queued, handlers ran 1x; with includeDone 1 re-queued, runs again: processed, handlers ran 2x',
  'store or engine unreachable': 'inbox_unavailable',
};

export const expected: Record<string, Record<string, string>> = {
  'HTTP, memoryStore': { ...storePath, 'store or engine unreachable': 'n/a (in-process)' },
  'HTTP, postgresStore transactional (PGlite)': { ...storePath, 'ctx.db used after settling': 'refused (transaction_closed)', 'store or engine unreachable': 'store_unavailable' },
  'HTTP, redisStore': { ...storePath, 'store or engine unreachable': 'store_timeout' },
  'handleTrustedDelivery({ handler })': { ...storePath, 'store or engine unreachable': 'store_unavailable, retry: true' },
  'catchUp({ handler })': {
    ...storePath,
    'replay of a done event': 'no replay; a second run: duplicate, handlers ran 1x',
    'store or engine unreachable': 'CatchUpError store_unavailable',
  },
  'inbox: pg-boss on PGlite, transactional': inboxPath,
  'inbox: pg-boss on PostgreSQL, transactional': inboxPath,
  'inbox: BullMQ': { ...inboxPath, 'ctx.db used after settling': 'n/a' },
};
