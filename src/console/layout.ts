// The page shell every console page shares: landmarks, the stylesheet, the read-only badge.
import { html, SafeHtml } from './html.js';
import { styles } from './styles.js';

/** What every page needs to know about the request it answers. */
export interface PageContext {
  /** The console's base path without a trailing slash ('' at the root). */
  base: string;
  /** The CSRF token to put in every form that POSTs. */
  csrf: string;
  readOnly: boolean;
  now: number;
}

export function layout(context: PageContext, title: string, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<link rel="icon" href="data:,">
<title>${title} · Stripe webhooks</title>
<style>${new SafeHtml(styles)}</style>
</head>
<body>
<header class="top" role="banner">
<a href="${context.base}/">Stripe webhooks</a>
<span class="mode">${context.readOnly ? 'read-only' : 'operator'}</span>
</header>
<main id="main">
${body}
</main>
</body>
</html>
`;
}

/** A hidden field carrying the CSRF token, for every form that POSTs. */
export function csrfField(context: PageContext): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${context.csrf}">`;
}
