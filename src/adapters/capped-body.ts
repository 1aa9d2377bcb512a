// What every adapter that reads a body itself shares: the size cap (413) and the time limit (408).
import type { HeaderBag } from '../types.js';
import { readHeader } from '../handler/build-webhook-handler.js';
import { defaults, timerMs } from '../options.js';

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

/** The part of a Node request stream the body deadline listens to. */
interface BodyStream {
  on(event: string, listener: () => void): unknown;
  removeListener(event: string, listener: () => void): unknown;
}

/**
 * The one body deadline of every adapter that reads a body: calls `onTimeout` when the body has
 * not ended `bodyTimeoutMs` after this call, so a client that announces a body and stalls cannot
 * hold its connection and buffer. Ending, failing or closing first disarms it; so does the
 * returned function.
 */
export function armBodyDeadline(body: BodyStream, bodyTimeoutMs: number, onTimeout: () => void): () => void {
  const disarm = () => {
    clearTimeout(timer);
    for (const event of ['end', 'error', 'close']) body.removeListener(event, disarm);
  };
  const timer = setTimeout(() => {
    disarm();
    onTimeout();
  }, bodyTimeoutMs);
  for (const event of ['end', 'error', 'close']) body.on(event, disarm);
  return disarm;
}
