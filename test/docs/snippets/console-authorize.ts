import { createHash, timingSafeEqual } from 'node:crypto';

// The token the on-call people send as `Authorization: Bearer <token>`, from your secret store.
const expected = process.env.CONSOLE_TOKEN;

/** The console's authorize: refuses everyone while the token is unset, and compares in constant time. */
export function isOnCall(request: Request): boolean {
  // Unset or empty: nobody gets in (never "Bearer undefined").
  if (!expected) return false;
  // Digests have one length, so timingSafeEqual applies and the time says nothing about the token.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(request.headers.get('authorization') ?? ''), digest(`Bearer ${expected}`));
}
