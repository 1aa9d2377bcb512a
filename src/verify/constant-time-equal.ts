const encoder = new TextEncoder();
// Room for a hex HMAC-SHA256 (64 characters) even if every character took 3 UTF-8 bytes.
const maxFastLength = 64;
const left = new Uint8Array(maxFastLength * 3);
const right = new Uint8Array(maxFastLength * 3);

/**
 * Compares a received signature with the expected one in time that depends on their length only,
 * never on where they differ, so a forger cannot find a signature character by character. `b` is
 * the expected hex digest (ASCII), so equal UTF-8 bytes mean equal text, as stripe-node compares:
 * uppercase hex does not match. Lengths are public: a `v1` signature is always 64 hex digits.
 *
 * For the Web Crypto verifier, which has no `node:crypto` and so no `timingSafeEqual`. The UTF-8
 * bytes are compared, not `charCodeAt` values: once any loaded module subclasses `String`
 * (ioredis 6 and node-redis do, for RESP3), V8 runs every `charCodeAt` about 5 times slower,
 * while `encodeInto` and typed arrays keep their speed.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  if (a.length > maxFastLength) return slowConstantTimeEqual(a, b);
  // Nothing awaits between the writes and the loop, so the shared arrays cannot be overwritten.
  const leftLength = encoder.encodeInto(a, left).written;
  const rightLength = encoder.encodeInto(b, right).written;
  let difference = leftLength ^ rightLength;
  for (let i = 0; i < leftLength; i++) difference |= (left[i] as number) ^ (right[i] as number);
  return difference === 0;
}

function slowConstantTimeEqual(a: string, b: string): boolean {
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
