// POST {base}/replay: replays one event, a selection, or every dead event. Without `confirm=yes`
// it answers the confirmation page (a form, so it needs no JavaScript); with it, it re-queues and
// answers how many. The caller has checked readOnly, the Origin and the CSRF token already.
import type { Inbox } from '../inbox/types.js';
import { html, type SafeHtml } from './html.js';
import { csrfField, layout, type PageContext } from './layout.js';

/** At most this many ids in one selection: one list page holds 50, so more is not an operator. */
const maxIds = 1000;

/** What the form asks to replay, or why it cannot be read. */
export type ReplayRequest = { ids: string[] } | { scope: 'dead' } | { problem: string };

export function readReplayRequest(form: URLSearchParams): ReplayRequest {
  if (form.get('scope') === 'dead') return { scope: 'dead' };
  const ids = [...new Set(form.getAll('id').map((id) => id.trim()).filter((id) => id !== ''))];
  if (ids.length === 0) return { problem: 'Select at least one event to replay (the checkboxes of the list).' };
  if (ids.length > maxIds) return { problem: `Select at most ${maxIds} events at once, or replay every dead event.` };
  return { ids };
}

export async function confirmReplayPage(inbox: Inbox, context: PageContext, selection: { ids: string[] } | { scope: 'dead' }): Promise<SafeHtml> {
  const what =
    'scope' in selection
      ? html`every dead event (<strong>${(await inbox.stats()).dead}</strong> now)`
      : selection.ids.length === 1
        ? html`the event <code>${selection.ids[0]}</code>`
        : html`these <strong>${selection.ids.length}</strong> events`;
  const hidden = 'scope' in selection ? html`<input type="hidden" name="scope" value="dead">` : selection.ids.map((id) => html`<input type="hidden" name="id" value="${id}">`);
  const listed = 'ids' in selection && selection.ids.length > 1 ? html`<ul>${selection.ids.map((id) => html`<li><code>${id}</code></li>`)}</ul>` : '';
  const body = html`<h1>Replay?</h1>
<section class="card" aria-labelledby="confirm-title">
<p id="confirm-title">Re-queue ${what}? Their handlers run again (an event a worker holds now is left alone).</p>
${listed}
<form method="post" action="${context.base}/replay" class="actions">${csrfField(context)}${hidden}<input type="hidden" name="confirm" value="yes">
<button type="submit" autofocus>Yes, replay</button>
<a class="button secondary" href="${context.base}/">Cancel</a>
</form>
</section>`;
  return layout(context, 'Confirm replay', body);
}

export async function replayAndReport(inbox: Inbox, context: PageContext, selection: { ids: string[] } | { scope: 'dead' }): Promise<{ count: number; page: SafeHtml }> {
  const count = await inbox.replay('scope' in selection ? { status: 'dead' } : { ids: selection.ids });
  const back = 'ids' in selection && selection.ids.length === 1 ? `${context.base}/events/${encodeURIComponent(selection.ids[0] as string)}` : `${context.base}/`;
  const body = html`<h1>Replayed</h1>
<p class="notice" role="status">Re-queued <strong data-replayed="${count}">${count}</strong> event${count === 1 ? '' : 's'}.</p>
<p><a class="button secondary" href="${back}">Back</a></p>`;
  return { count, page: layout(context, 'Replayed', body) };
}
