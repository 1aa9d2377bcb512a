// What every adapter that reads a body itself shares: the size cap (413) and the time limit (408).
import type { HeaderBag } from '../types.js';
import { readHeader } from '../handler/build-webhook-handler.js';
import { defaults, timerMs } from '../options.js';
import { sharedDeadline, type Deadline } from '../processing/deadline.js';

/**
 * True when the request's Content-Length already says the body is over `maxBodyBytes`, so an
 * adapter can answer 413 (with `bodyTooLarge`) without reading a byte of it.
 */
export function announcesTooLarge(headers: HeaderBag, maxBodyBytes: number): boolean {
  const declared = readHeader(headers, 'content-length');
  if (typeof declared !== 'string' || declared.trim() === '') return false;
  const length = Number(declared);
  return Number.isFinite(length) && length > maxBodyBytes;
}

/** Gathers a request body chunk by chunk, for adapters that read the stream themselves. */
export interface BodyCollector {
  /**
   * Keeps `chunk` and answers `true`, or answers `false` once the body has grown past
   * `maxBodyBytes`: the adapter then stops reading and reports `bodyTooLarge`.
   */
  add(chunk: Uint8Array): boolean;
  /** The body read so far, as one array. */
  bytes(): Uint8Array;
}

/**
 * A body reader's memory is bounded by the limit, not by what a client sends: chunks past
 * `maxBodyBytes` are never kept, whatever the Content-Length claimed (or when there was none).
 */
export function createBodyCollector(maxBodyBytes: number): BodyCollector {
  let chunks: Uint8Array[] = [];
  let size = 0;
  let over = false;
  return {
    add(chunk) {
      if (over || size + chunk.byteLength > maxBodyBytes) {
        over = true;
        chunks = [];
        size = 0;
        return false;
      }
      chunks.push(chunk);
      size += chunk.byteLength;
      return true;
    },
    bytes() {
      if (chunks.length === 1) return chunks[0] as Uint8Array;
      const body = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        body.set(chunk, offset);
        offset += chunk.byteLength;
      }
      return body;
    },
  };
}

/** What the body-reading adapters (Express, Fastify, Nest) take besides the handler's options. */
export interface BodyReadOptions {
  /**
   * How long a body may take to arrive, in ms (default 10 000): past it the answer is
   * `408 {"error":"body_timeout"}` and the connection is closed.
   */
  bodyTimeoutMs?: number;
}

/** `bodyTimeoutMs` checked when the adapter is built, so a bad value fails at startup. */
export function resolveBodyTimeout(value: unknown, adapter: string): number {
  return timerMs(adapter, 'bodyTimeoutMs', value as number | undefined, defaults.bodyTimeoutMs);
}

/**
 * The body deadline of every adapter that reads a body: `after(onTimeout)` calls it when the body
 * has not been read `bodyTimeoutMs` later, so a client that announces a body and stalls cannot
 * hold its connection and buffer; the reader cancels it once the body ended, failed or closed.
 * Reads of one length share one timer: a timer of their own would be made and cleared per request
 * (with listeners to disarm it), while nearly every body ends long before its deadline (see bench/).
 */
export function bodyDeadline(bodyTimeoutMs: number): Deadline {
  let deadline = bodyDeadlines.get(bodyTimeoutMs);
  if (deadline === undefined) {
    deadline = sharedDeadline(bodyTimeoutMs);
    bodyDeadlines.set(bodyTimeoutMs, deadline);
  }
  return deadline;
}

// One per length: an app has a handful of adapters, each with its own `bodyTimeoutMs` at most.
const bodyDeadlines = new Map<number, Deadline>();
