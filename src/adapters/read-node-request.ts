import { defaults } from '../options.js';
import { announcesTooLarge, bodyDeadline, createBodyCollector } from './capped-body.js';
import type { WebhookRequest } from '../types.js';

/**
 * The parts of a Node `IncomingMessage` (as Express, Connect or Nest hand it over) that the raw
 * body is read from. Structural, so that users need neither `express` nor `@types/express`.
 */
export interface NodeRequestLike {
  method?: string;
  headers: Record<string, string | readonly string[] | undefined>;
  /** Set by body parsers: a Buffer from `express.raw()`, a string from `express.text()`, else parsed. */
  body?: unknown;
  /** The raw copy a `verify` hook of `express.json()`, or Nest's `{ rawBody: true }`, keeps. */
  rawBody?: unknown;
  /** body-parser 1 (Express 4) marks a request whose body it read. */
  _body?: unknown;
  readableEnded?: boolean;
  readableDidRead?: boolean;
  destroyed?: boolean;
  /** Node's stream events: `data`, `end`, `error`, `close`. */
  on(event: string, listener: (value?: unknown) => void): unknown;
  /** Removes a listener added with `on`. */
  removeListener(event: string, listener: (value?: unknown) => void): unknown;
  /** Restarts a paused stream: to read the body, or to drain one that will not be read. */
  resume(): unknown;
  /** Stops the flow of a body that is not wanted (past the size limit), so it is not drained. */
  pause?(): unknown;
}

const encoder = new TextEncoder();

/**
 * Finds the raw body wherever a Node framework left it, and reads the stream only when nobody
 * did: a consumed stream never ends again, so waiting on it would hang the request forever.
 * Resolves `undefined` when the client hung up before its body arrived.
 */
export function readNodeRequest(request: NodeRequestLike, maxBodyBytes: number, bodyTimeoutMs: number = defaults.bodyTimeoutMs): Promise<WebhookRequest | undefined> {
  return new Promise((resolve) => {
    readNodeBody(request, maxBodyBytes, bodyTimeoutMs, (read) => resolve(read && { method: request.method ?? 'GET', headers: request.headers, ...read }));
  });
}

/**
 * {@link readNodeRequest}'s body alone, handed to `onRead` (once) rather than through a promise,
 * so that a framework that takes a callback (Fastify's parsers) needs no promise per request.
 */
export function readNodeBody(request: NodeRequestLike, maxBodyBytes: number, bodyTimeoutMs: number, onRead: (read: ReadBody | undefined) => void): void {
  if (isRaw(request.body)) onRead({ body: request.body });
  else if (isRaw(request.rawBody)) onRead({ body: request.rawBody });
  // The core answers 500 body_not_raw for a parsed body and logs how to fix the mounting order.
  else if (wasConsumed(request)) onRead({ body: request.body });
  else if (announcesTooLarge(request.headers, maxBodyBytes)) onRead({ body: undefined, bodyTooLarge: true });
  else readStream(request, maxBodyBytes, bodyTimeoutMs, onRead);
}

function isRaw(value: unknown): value is string | Uint8Array {
  return typeof value === 'string' || value instanceof Uint8Array;
}

function wasConsumed(request: NodeRequestLike): boolean {
  if (request._body === true || request.readableEnded === true || request.readableDidRead === true || request.destroyed === true) return true;
  // body-parser 1 sets `{}` on every request it skips (another content type, no body) without
  // reading the stream, so only a body with content proves that a parser ran.
  const body = request.body;
  if (body === undefined || body === null) return false;
  return !(typeof body === 'object' && Object.getPrototypeOf(body) === Object.prototype && Object.keys(body).length === 0);
}

/** A request's body as read: the bytes, or that they were too many or too slow to arrive. */
export type ReadBody = Pick<WebhookRequest, 'body' | 'bodyTooLarge' | 'bodyTimedOut'>;

/**
 * Reads a body stream that nobody has read, within the size cap and the body deadline, and calls
 * `onRead` once: with the body, with `bodyTooLarge` or `bodyTimedOut`, or with `undefined` when
 * the client hung up before its body arrived.
 */
function readStream(request: NodeRequestLike, maxBodyBytes: number, bodyTimeoutMs: number, onRead: (read: ReadBody | undefined) => void): void {
  const collector = createBodyCollector(maxBodyBytes);
  const deadline = bodyDeadline(bodyTimeoutMs);
  const finish = (result: ReadBody | undefined) => {
    deadline.cancel(watch);
    request.removeListener('data', onData);
    request.removeListener('end', onEnd);
    request.removeListener('error', onGone);
    request.removeListener('close', onGone);
    onRead(result);
  };
  const onData = (chunk: unknown) => {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : (chunk as Uint8Array);
    if (collector.add(bytes)) return;
    // Not a byte more: the 413 closes the connection (the core answers it with `Connection: close`).
    request.pause?.();
    finish({ body: undefined, bodyTooLarge: true });
  };
  const onEnd = () => finish({ body: collector.bytes() });
  // The client hung up before the body ended: there is nobody left to answer.
  const onGone = () => finish(undefined);
  // A body that stops arriving: not a byte more is waited for, and the 408 closes the connection.
  const watch = deadline.after(() => {
    request.pause?.();
    finish({ body: undefined, bodyTimedOut: true });
  });
  request.on('data', onData);
  request.on('end', onEnd);
  request.on('error', onGone);
  request.on('close', onGone);
  // A stream paused by earlier code stays paused when a data listener is added.
  request.resume();
}
