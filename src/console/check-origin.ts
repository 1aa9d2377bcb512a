// The Origin check of every POST: a browser names the page a form was sent from; a POST from any
// other origin (another site, or a sandboxed frame's "null") is refused before anything else.

/**
 * True when the request's `Origin` (or, for an old browser that sends none, its `Referer`) has the
 * host the request was sent to, or one of `trustedOrigins` (for a console behind a proxy that
 * rewrites the Host).
 */
export function sameOrigin(request: Request, trustedOrigins: readonly string[]): boolean {
  const claimed = request.headers.get('origin') ?? originOf(request.headers.get('referer'));
  if (claimed === undefined || claimed === 'null') return false;
  if (trustedOrigins.includes(claimed)) return true;
  const host = request.headers.get('host') ?? new URL(request.url).host;
  const origin = originOf(claimed);
  return origin !== undefined && new URL(origin).host === host;
}

function originOf(url: string | null): string | undefined {
  if (!url) return undefined;
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}
