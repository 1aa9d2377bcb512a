/*
 * The primary key an event id is stored under. Stripe's ids are short ASCII, but the store must
 * not fail for ever on any id a signed event can carry: a PostgreSQL btree entry cannot exceed
 * about 2.7 kB (so an id of several kB is refused on every delivery), its `text` cannot hold
 * U+0000, and a lone surrogate becomes U+FFFD on its way to UTF-8 in PostgreSQL and SQLite alike
 * (two ids, one row). Such ids are stored as a SHA-256 digest
 * instead, which no Stripe id can look like.
 */

// Well under the btree limit, and far above any id Stripe issues (about 30 characters).
const maxPlainLength = 255;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const digestPrefix = 'sha256:';
const escapedDigestPrefix = 'sha256-json:';

/** The id itself when the database can store it as it is, else `sha256:<hex of its UTF-8 bytes>` (`sha256-json:` with lone surrogates). */
export async function eventKey(eventId: string): Promise<string> {
  if (eventId.length <= maxPlainLength && !eventId.includes('\u0000') && !loneSurrogate.test(eventId)) return eventId;
  // TextEncoder turns every lone surrogate into U+FFFD too, so such ids are hashed as their JSON
  // (which escapes each one as \uXXXX), under a prefix of their own so no other id can meet them.
  const [prefix, text] = loneSurrogate.test(eventId) ? [escapedDigestPrefix, JSON.stringify(eventId)] : [digestPrefix, eventId];
  // Web Crypto rather than node:crypto: this subpath imports nothing.
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return prefix + Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The id for an error message: quoted, and cut when it is long. */
export function describeId(eventId: string): string {
  const quoted = JSON.stringify(eventId.length > 80 ? `${eventId.slice(0, 80)}...` : eventId);
  return quoted;
}
