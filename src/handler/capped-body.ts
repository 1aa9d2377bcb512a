import type { HeaderBag } from '../types.js';
import { readHeader } from './build-webhook-handler.js';

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
