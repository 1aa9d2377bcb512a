// One event: its facts, its attempts (start, duration, error, stack) and its payload, pretty
// printed. Errors and stacks are shown here, to an authorized operator, never in webhook answers.
import type { InboxRecord } from '../inbox/types.js';
import { formatDuration, formatTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { csrfField, layout, type PageContext } from './layout.js';

export function detailPage(context: PageContext, record: InboxRecord): SafeHtml {
  const attempts = record.attempts.map(
    (attempt, index) => html`<tr>
<td data-label="#">${index + 1}</td>
<td data-label="Started"><time datetime="${attempt.startedAt}">${formatTime(attempt.startedAt)}</time></td>
<td data-label="Duration">${formatDuration(attempt.durationMs)}</td>
<td data-label="Result">${attempt.error === undefined ? (attempt.durationMs === undefined ? 'running or interrupted' : 'succeeded') : html`<code>${attempt.error}</code>`}
${attempt.stack ? html`<details><summary>Stack</summary><pre>${attempt.stack}</pre></details>` : ''}</td>
</tr>`,
  );
  const replayable = record.status !== 'processing';
  const body = html`<nav aria-label="Breadcrumb"><a href="${context.base}/">« All deliveries</a></nav>
<h1><code>${record.id}</code></h1>
<section class="card" aria-labelledby="facts-title">
<h2 id="facts-title" class="visually-hidden">Facts</h2>
<dl class="facts">
<dt>Status</dt><dd><span class="status status-${record.status}">${record.status}</span></dd>
<dt>Type</dt><dd>${record.type}</dd>
<dt>Object</dt><dd><code>${record.objectId ?? '—'}</code></dd>
<dt>Order</dt><dd><code>${record.orderId ?? '—'}</code></dd>
<dt>Created (Stripe)</dt><dd>${formatTime(new Date(record.created * 1000).toISOString())}</dd>
<dt>Received</dt><dd>${formatTime(record.receivedAt)}</dd>
<dt>Last change</dt><dd>${formatTime(record.updatedAt)}</dd>
<dt>Attempts</dt><dd>${record.attemptCount}</dd>
</dl>
<form method="post" action="${context.base}/replay" class="actions">${csrfField(context)}<input type="hidden" name="id" value="${record.id}">
<button type="submit"${context.readOnly || !replayable ? html` disabled` : ''}>Replay this event</button>
${context.readOnly ? html`<span class="muted">Read-only console: replays are turned off.</span>` : replayable ? '' : html`<span class="muted">A worker holds it now.</span>`}
</form>
</section>
<h2 id="attempts-title">Attempts</h2>
${
  record.attempts.length === 0
    ? html`<p class="card">No attempt yet.</p>`
    : html`<table class="events" aria-labelledby="attempts-title"><thead><tr><th scope="col">#</th><th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Result</th></tr></thead><tbody>${attempts}</tbody></table>`
}
<h2 id="payload-title">Payload</h2>
<pre aria-labelledby="payload-title" tabindex="0">${JSON.stringify(record.event, null, 2)}</pre>`;
  return layout(context, record.id, body);
}
