// createHealthHandler: the inbox's health as one `(Request) => Promise<Response>` function, for
// load balancers, Kubernetes probes and uptime monitors. Web APIs only, so it mounts in any
// framework the way the console does.
import { invalidOption } from '../options.js';
import { resolveHealthOptions, type InboxHealth, type InboxHealthOptions } from './inbox-health.js';
import type { Inbox } from './types.js';

/** Options of {@link createHealthHandler}: the inbox, and the limits `inbox.health()` judges by. */
export interface HealthHandlerOptions extends InboxHealthOptions {
  inbox: Pick<Inbox, 'health'>;
}

const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/**
 * Answers `GET` (and `HEAD`) with `inbox.health()` as JSON: 200 when it is ok, 503 with the
 * problems when it is not, or when the inbox cannot be read (`inbox_unavailable`). It shows counts
 * and ages, never an event.
 *
 * @example
 * const probe = createHealthHandler({ inbox, maxLagMs: 60_000, maxDead: 0 });
 * app.get('/healthz/inbox', async (c) => probe(c.req.raw));
 */
export function createHealthHandler(options: HealthHandlerOptions): (request: Request) => Promise<Response> {
  const { inbox } = options;
  if (typeof inbox?.health !== 'function') throw invalidOption('type', 'createHealthHandler', 'inbox', 'the inbox of pgBossInbox(...) or bullmqInbox(...)', inbox);
  const limits = resolveHealthOptions(options);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(JSON.stringify({ error: 'method_not_allowed' }), { status: 405, headers: { ...headers, allow: 'GET, HEAD' } });
    }
    const health = await inbox.health(limits).catch((error: unknown): InboxHealth => unavailable(error));
    return new Response(request.method === 'HEAD' ? null : JSON.stringify(health), { status: health.ok ? 200 : 503, headers });
  };
}

function unavailable(error: unknown): InboxHealth {
  // The error's own text may name hosts and users: a probe's answer may be public, so only its code.
  const code = typeof (error as { code?: unknown } | undefined)?.code === 'string' ? ` (${(error as { code: string }).code})` : '';
  const problem = { code: 'inbox_unavailable' as const, message: `the inbox's storage could not be read${code}: check that its database or Redis is up and reachable` };
  return { ok: false, queued: 0, processing: 0, failed: 0, dead: 0, oldestQueuedAgeMs: null, lastDoneAt: null, problems: [problem] };
}
