// POST {base}/replay: replays one event, a selection, or every dead event. Without `confirm=yes`
// it answers the confirmation page (a form, so it needs no JavaScript); with it, it re-queues and
// answers how many. The caller has checked readOnly, the Origin and the CSRF token already.
// A done event's handlers have already written (fulfilled, emailed, refunded): replaying it does
// so again. The inbox leaves done events out of a selection unless `includeDone` is set, and the
// console sets it only from the confirmation page's own button that says so.
import type { Inbox } from '../inbox/types.js';
import { html, type SafeHtml } from './html.js';
import { csrfField, layout, type PageContext } from './layout.js';

/** At most this many ids in one selection: one list page holds 50, so more is not an operator. */
const maxIds = 1000;

/** What the form asks to replay, or why it cannot be read. */
export type ReplayRequest = ReplaySelection | { problem: string };
type ReplaySelection = { ids: string[]; includeDone: boolean } | { scope: 'dead' };

export function readReplayRequest(form: URLSearchParams): ReplayRequest {
  if (form.get('scope') === 'dead') return { scope: 'dead' };
  const ids = [...new Set(form.getAll('id').map((id) => id.trim()).filter((id) => id !== ''))];
  if (ids.length === 0) return { problem: 'Select at least one event to replay (the checkboxes of the list).' };
  if (ids.length > maxIds) return { problem: `Select at most ${maxIds} events at once, or replay every dead event.` };
  return { ids, includeDone: form.get('include_done') === 'yes' };
}

export async function confirmReplayPage(inbox: Inbox, context: PageContext, selection: ReplaySelection): Promise<SafeHtml> {
  const what =
    'scope' in selection
      ? html`every dead event (<strong>${(await inbox.stats()).dead}</strong> now)`
      : selection.ids.length === 1
        ? html`the event <code>${selection.ids[0]}</code>`
        : html`these <strong>${selection.ids.length}</strong> events`;
  const hidden = 'scope' in selection ? html`<input type="hidden" name="scope" value="dead">` : selection.ids.map((id) => html`<input type="hidden" name="id" value="${id}">`);
  const listed = 'ids' in selection && selection.ids.length > 1 ? html`<ul>${selection.ids.map((id) => html`<li><code>${id}</code></li>`)}</ul>` : '';
  const done = 'ids' in selection ? await doneAmong(inbox, selection.ids) : [];
  const body = html`<h1>Replay?</h1>
<section class="card" aria-labelledby="confirm-title">
<p id="confirm-title">Re-queue ${what}? Their handlers run again (an event a worker holds now is left alone).</p>
${listed}
${done.length > 0 ? doneWarning(done, 'ids' in selection ? selection.ids.length : 0) : ''}
<form method="post" action="${context.base}/replay" class="actions">${csrfField(context)}${hidden}<input type="hidden" name="confirm" value="yes">
${
  done.length === 0
    ? html`<button type="submit" autofocus>Yes, replay</button>`
    : html`<button type="submit" autofocus>Replay all but the done</button>
<button type="submit" name="include_done" value="yes" class="danger">Replay, done included: their writes run again</button>`
}
<a class="button secondary" href="${context.base}/">Cancel</a>
</form>
</section>`;
  return layout(context, 'Confirm replay', body);
}

/** The selected ids whose events are done: their handlers have run to the end once already. */
async function doneAmong(inbox: Inbox, ids: readonly string[]): Promise<string[]> {
  const records = await Promise.all(ids.map((id) => inbox.get(id)));
  return ids.filter((_, index) => records[index]?.status === 'done');
}

function doneWarning(done: readonly string[], selected: number): SafeHtml {
  const which = done.length === 1 ? html`<code>${done[0]}</code> is` : html`<strong>${done.length}</strong> of these ${selected} events are`;
  return html`<p class="warning" role="alert" data-done="${done.length}">${which} <strong>done</strong>: replaying runs their handlers' writes again (an order fulfilled twice, an email sent twice). Replay them only if those handlers are safe to repeat.</p>`;
}

export async function replayAndReport(inbox: Inbox, context: PageContext, selection: ReplaySelection): Promise<{ count: number; page: SafeHtml }> {
  const count = await inbox.replay('scope' in selection ? { status: 'dead' } : { ids: selection.ids, ...(selection.includeDone ? { includeDone: true } : {}) });
  const back = 'ids' in selection && selection.ids.length === 1 ? `${context.base}/events/${encodeURIComponent(selection.ids[0] as string)}` : `${context.base}/`;
  const body = html`<h1>Replayed</h1>
<p class="notice" role="status">Re-queued <strong data-replayed="${count}">${count}</strong> event${count === 1 ? '' : 's'}.</p>
<p><a class="button secondary" href="${back}">Back</a></p>`;
  return { count, page: layout(context, 'Replayed', body) };
}
