// createConsoleHandler: the operator console as one `(Request) => Promise<Response>` function, so
// it mounts in any framework. This file owns the request's path: base path, access, method, CSRF,
// then the page or action that answers.
import { InboxError } from '../inbox/inbox-error.js';
import { stripeTypesApiVersion } from '../generated/api-version.js';
import { defaults, optionMessage, stripeApiVersion } from '../options.js';
import type { Inbox } from '../inbox/types.js';
import { checkAccess } from './authorize-request.js';
import { sameOrigin } from './check-origin.js';
import { ConsoleError } from './console-error.js';
import { createCsrfTokens, csrfCookie, readCsrfCookie, sameToken } from './csrf.js';
import { detailPage } from './detail-page.js';
import type { PageContext } from './layout.js';
import { listPage } from './list-page.js';
import { ListQueryError } from './list-query.js';
import { readForm } from './read-form.js';
import { confirmReplayPage, readReplayRequest, replayAndReport } from './replay-action.js';
import { errorPage, htmlResponse } from './respond.js';

/** Options of {@link createConsoleHandler}. */
export interface ConsoleOptions {
  /** The inbox to show (`pgBossInbox` or `bullmqInbox`). */
  inbox: Inbox;
  /** Where the console is mounted, e.g. `/stripe` (with or without a trailing slash). Default `/`. */
  basePath?: string;
  /**
   * Decides on every request whether it may use the console (may be async). Without it only
   * loopback clients may, which needs their address: see {@link ConsoleRequestContext}.
   */
  authorize?: (request: Request) => boolean | Promise<boolean>;
  /** The client's address, for the loopback rule, where the request itself carries it (e.g. a trusted header). */
  clientAddress?: (request: Request) => string | undefined;
  /** Refuses every action (replay) with 403: for people who should look, not touch. Default `false`. */
  readOnly?: boolean;
  /**
   * Origins a POST may come from besides the request's own (scheme, host and port), e.g.
   * `https://ops.example.com` behind a proxy that rewrites `Host` or ends TLS.
   */
  trustedOrigins?: readonly string[];
  /** The largest replay form read, in bytes; a longer body is refused with 413 as it streams. Default 256 KiB. */
  maxFormBytes?: number;
  /**
   * The Stripe API version the app's handlers are typed for: listed events in another version are
   * flagged. Default: the version of the installed `stripe` types, as `createWebhookHandler`'s.
   */
  apiVersion?: string;
}

/** What an adapter knows about a request that a Web `Request` does not carry. */
export interface ConsoleRequestContext {
  /** The peer's IP address (`req.socket.remoteAddress` on node:http), for the loopback rule. */
  clientAddress?: string;
}

/** The console: answers every request under its base path. */
export type ConsoleHandler = (request: Request, context?: ConsoleRequestContext) => Promise<Response>;

const entry = 'createConsoleHandler';

/**
 * The operator console of an inbox: deliveries with their status, filters, one event's payload
 * and attempts, and replay of one event, a selection or every dead event.
 */
export function createConsoleHandler(options: ConsoleOptions): ConsoleHandler {
  const { inbox, readOnly = false, trustedOrigins = [], maxFormBytes = defaults.maxFormBytes } = options;
  if (typeof inbox?.list !== 'function' || typeof inbox.get !== 'function' || typeof inbox.replay !== 'function') {
    throw refuse(optionMessage(entry, 'inbox', 'the inbox of pgBossInbox(...) or bullmqInbox(...)', inbox));
  }
  const basePath = options.basePath ?? '/';
  if (typeof basePath !== 'string' || !basePath.startsWith('/')) throw refuse(optionMessage(entry, 'basePath', "a path that starts with \"/\", such as '/stripe'", basePath));
  if (!Number.isInteger(maxFormBytes) || maxFormBytes < 1) throw refuse(optionMessage(entry, 'maxFormBytes', 'a positive whole number of bytes, such as 256 * 1024', maxFormBytes));
  const base = basePath.replace(/\/+$/, '');
  const tokens = createCsrfTokens();
  const apiVersion = stripeApiVersion(entry, options.apiVersion ?? stripeTypesApiVersion, refuse);

  return async (request, requestContext = {}) => {
    const url = new URL(request.url);
    const cookieToken = readCsrfCookie(request);
    const validCookie = cookieToken !== undefined && (await tokens.verify(cookieToken));
    const csrf = validCookie ? cookieToken : await tokens.issue();
    const context: PageContext = { base, csrf, readOnly, now: Date.now() };
    const cookie: Record<string, string> = validCookie
      ? {}
      : { 'set-cookie': `${csrfCookie}=${csrf}; Path=${base || '/'}; HttpOnly; SameSite=Strict${url.protocol === 'https:' ? '; Secure' : ''}` };

    const path = url.pathname === base ? '/' : url.pathname.startsWith(`${base}/`) ? url.pathname.slice(base.length) : undefined;
    if (path === undefined) return errorPage(context, 404, 'console_not_found', `This console lives under ${base || '/'}.`);
    const refusal = await checkAccess(request, options, requestContext.clientAddress);
    if (refusal) return errorPage(context, 403, refusal.code, refusal.message);

    const head = request.method === 'HEAD';
    const read = request.method === 'GET' || head;
    try {
      if (path === '/') {
        if (!read) return errorPage(context, 405, 'console_method_not_allowed', 'The list is read with GET.', { allow: 'GET, HEAD' });
        return htmlResponse(await listPage(inbox, context, url.searchParams, apiVersion), 200, cookie, head);
      }
      const detail = /^\/events\/([^/]+)$/.exec(path);
      if (detail) {
        if (!read) return errorPage(context, 405, 'console_method_not_allowed', 'An event is read with GET.', { allow: 'GET, HEAD' });
        const id = decodePathSegment(detail[1] as string);
        const record = id === undefined ? undefined : await inbox.get(id);
        if (!record) return errorPage(context, 404, 'console_event_not_found', `No event ${id ?? detail[1]} in this inbox (purged, or never received).`);
        return htmlResponse(detailPage(context, record), 200, cookie, head);
      }
      if (path === '/replay') {
        if (request.method !== 'POST') return errorPage(context, 405, 'console_method_not_allowed', 'Replays are POSTed by the buttons of the list and event pages.', { allow: 'POST' });
        return await replay(request, context, validCookie ? cookieToken : undefined);
      }
      return errorPage(context, 404, 'console_not_found', `Nothing at ${url.pathname}.`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // A filter the console let through but the inbox refuses (a cursor from another engine) is the URL's fault.
      if (error instanceof ListQueryError || (error instanceof InboxError && error.code === 'invalid_options')) return errorPage(context, 400, 'console_bad_filter', message);
      return errorPage(context, 500, 'console_inbox_error', `The inbox failed: ${message}`);
    }
  };

  async function replay(request: Request, context: PageContext, cookieToken: string | undefined): Promise<Response> {
    if (readOnly) return errorPage(context, 403, 'console_read_only', 'This console is read-only: replays are turned off (readOnly: true).');
    if (!sameOrigin(request, trustedOrigins)) {
      return errorPage(context, 403, 'console_cross_origin', 'This POST did not come from the console\'s own pages (its Origin differs). Behind a proxy that rewrites Host, list the public origin in trustedOrigins.');
    }
    const read = await readForm(request, maxFormBytes);
    if ('refused' in read && read.refused === 'too_large') {
      return errorPage(context, 413, 'console_form_too_large', `This form is larger than ${maxFormBytes} bytes (maxFormBytes): select fewer events, or replay every dead event.`);
    }
    const form = 'form' in read ? read.form : undefined;
    const token = form?.get('csrf') ?? '';
    if (form === undefined || cookieToken === undefined || !sameToken(token, cookieToken)) {
      return errorPage(context, 403, 'console_csrf', 'The form\'s security token is missing or stale: reload the page and try again.');
    }
    const selection = readReplayRequest(form);
    if ('problem' in selection) return errorPage(context, 400, 'console_bad_selection', selection.problem);
    if (form.get('confirm') !== 'yes') return htmlResponse(await confirmReplayPage(inbox, context, selection));
    const { count, page } = await replayAndReport(inbox, context, selection);
    return htmlResponse(page, 200, { 'x-replayed-count': String(count) });
  }
}

function refuse(message: string): ConsoleError {
  return new ConsoleError('console_invalid_options', message);
}

function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
