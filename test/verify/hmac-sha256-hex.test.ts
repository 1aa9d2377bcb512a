// The plain-JavaScript HMAC-SHA256 (Workers without nodejs_compat, edge runtimes) against
// node:crypto's, on generated keys and messages: every length around SHA-256's 64-byte blocks and
// its 55/56-byte padding edge, long keys (hashed first), UTF-8 text and raw bytes in parts.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex } from '../../src/verify/hmac-sha256-hex.js';

const part = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.uint8Array({ maxLength: 200 }));

function nodeHmac(secret: string, parts: (string | Uint8Array)[]): string {
  const hmac = createHmac('sha256', secret);
  for (const piece of parts) hmac.update(piece);
  return hmac.digest('hex');
}

describe('hmacSha256Hex', () => {
  it('equals node:crypto on generated keys and messages', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 150 }), fc.array(part, { maxLength: 4 }), (secret, parts) => {
        expect(hmacSha256Hex(secret, ...parts)).toBe(nodeHmac(secret, parts));
      }),
      { numRuns: 2000 },
    );
  });

  it('equals node:crypto at every message length from 0 to 200 bytes', () => {
    for (let length = 0; length <= 200; length++) {
      const message = 'a'.repeat(length);
      expect(hmacSha256Hex('whsec_block_edges', message), `length ${length}`).toBe(nodeHmac('whsec_block_edges', [message]));
    }
  });
});
