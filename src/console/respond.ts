// Every console answer goes through here, so every one carries the same security headers: no
// script may run (CSP without script-src), no framing, no caching of payloads, no referrer leak.
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

export const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  // Not `no-referrer`: with it, browsers send `Origin: null` on form POSTs, which the Origin check refuses.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function htmlResponse(page: SafeHtml, status = 200, headers: Record<string, string> = {}, head = false): Response {
  return new Response(head ? null : page.value, { status, headers: { 'content-type': 'text/html; charset=utf-8', ...securityHeaders, ...headers } });
}

/** A page that says what went wrong, with the error's code for the operator who reports it. */
export function errorPage(context: PageContext, status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  const body = html`<h1>${status === 404 ? 'Not found' : status === 405 ? 'Method not allowed' : status >= 500 ? 'Something failed' : 'Refused'}</h1>
<p class="warning" role="alert" data-code="${code}">${message}</p>
<p><a href="${context.base}/">« All deliveries</a></p>`;
  return htmlResponse(layout(context, `${status}`, body), status, headers);
}
