// The Origin check of every POST: a browser names the page a form was sent from; a POST from any
// other origin (another site, a sandboxed frame's "null", or none at all) is refused before its
// body is read. There is no `Referer` fallback: every browser that can run the console's pages
// sends `Origin` on a form POST, and a header that names a whole URL is easier to get wrong.

/**
 * True when the request's `Origin` is the console's own (scheme, host and port, exactly as the
 * request was sent: an http console refuses `https://` of the same host), or one of
 * `trustedOrigins` (for a console behind a proxy that rewrites the Host or ends TLS).
 */
export function sameOrigin(request: Request, trustedOrigins: readonly string[]): boolean {
  const claimed = originOf(request.headers.get('origin'));
  if (claimed === undefined) return false;
  if (trustedOrigins.some((trusted) => originOf(trusted) === claimed)) return true;
  const url = new URL(request.url);
  return claimed === originOf(`${url.protocol}//${request.headers.get('host') ?? url.host}`);
}

/** The serialized origin of `url` (default ports dropped, host lowercased), or undefined for none, "null" or garbage. */
function originOf(url: string | null): string | undefined {
  if (!url) return undefined;
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}
