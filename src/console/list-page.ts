// The console's home: counters per status, the chart, the filters, and one page of deliveries
// (newest first) with checkboxes to replay a selection.
import { inboxStatuses, type Inbox, type InboxEntry, type InboxStats } from '../inbox/types.js';
import { formatAge, formatTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { healthBanner, readHealth } from './health-banner.js';
import { csrfField, layout, type PageContext } from './layout.js';
import { apiVersionCell, driftedIds, listedApiVersions, type ListedApiVersions } from './listed-api-versions.js';
import { defaultPageSize, listHref, readListQuery, toListFilter, type ListQuery } from './list-query.js';
import { timelineChart } from './timeline-chart.js';

const hour = 3_600_000;

/** `apiVersion`: the version handlers are typed for; listed events in another one are flagged. */
export async function listPage(inbox: Inbox, context: PageContext, params: URLSearchParams, apiVersion: string): Promise<SafeHtml> {
  const query = readListQuery(params);
  const since = Math.floor(context.now / hour) * hour - 23 * hour;
  const [page, stats, timeline, health] = await Promise.all([
    inbox.list(toListFilter(query)),
    inbox.stats(),
    inbox.timeline({ since, until: context.now, bucketMs: hour }),
    readHealth(inbox),
  ]);
  const versions = await listedApiVersions(inbox, page.items);
  const body = html`<h1>Webhook deliveries</h1>
${healthBanner(context, health, { expected: apiVersion, ids: driftedIds(versions, apiVersion) })}
${counters(context, query, stats)}
${timelineChart(timeline, 'Last 24 hours')}
${filters(context, query)}
${table(context, query, page.items, { versions, expected: apiVersion })}
<nav class="pager" aria-label="Pages">
${query.cursor ? html`<a class="button secondary" href="${listHref(context.base, query, { cursor: '' })}">« Newest</a>` : ''}
${page.nextCursor ? html`<a class="button secondary" rel="next" href="${listHref(context.base, query, { cursor: page.nextCursor })}">Older »</a>` : html`<span class="muted">End of the list.</span>`}
</nav>`;
  return layout(context, query.status ? `${query.status} deliveries` : 'Deliveries', body);
}

function counters(context: PageContext, query: ListQuery, stats: InboxStats): SafeHtml {
  const items = inboxStatuses.map(
    (status) =>
      html`<li><a href="${listHref(context.base, { ...query, cursor: '' }, { status })}"${query.status === status ? html` aria-current="true"` : ''}><span class="status status-${status}">${status}</span><b>${stats[status]}</b></a></li>`,
  );
  return html`<section aria-label="Events by status"><ul class="counters">${items}</ul></section>`;
}

function filters(context: PageContext, query: ListQuery): SafeHtml {
  const options = inboxStatuses.map((status) => html`<option value="${status}"${query.status === status ? html` selected` : ''}>${status}</option>`);
  return html`<form class="filters card" method="get" action="${context.base}/" role="search" aria-label="Filter deliveries">
<div><label for="filter-status">Status</label><select id="filter-status" name="status"><option value="">any</option>${options}</select></div>
<div><label for="filter-type">Type</label><input id="filter-type" name="type" value="${query.type}" placeholder="checkout.session.completed" size="26"></div>
<div><label for="filter-q">Search</label><input id="filter-q" name="q" value="${query.search}" placeholder="evt_…, cs_…, or order id" size="24"></div>
<div><label for="filter-since">Received since (UTC)</label><input id="filter-since" type="datetime-local" name="since" value="${query.since}"></div>
<div><label for="filter-until">until (UTC)</label><input id="filter-until" type="datetime-local" name="until" value="${query.until}"></div>
${query.limit === defaultPageSize ? '' : html`<input type="hidden" name="limit" value="${query.limit}">`}
<button type="submit">Filter</button>
<a class="button secondary" href="${context.base}/">Clear</a>
</form>`;
}

function table(context: PageContext, query: ListQuery, items: readonly InboxEntry[], api: { versions: ListedApiVersions; expected: string }): SafeHtml {
  const disabled = context.readOnly ? html` disabled` : '';
  // The forms stand apart from the table (forms cannot nest): checkboxes join theirs by `form=`.
  const controls = html`<form id="replay-selection" method="post" action="${context.base}/replay">${csrfField(context)}</form>
<form id="replay-dead" method="post" action="${context.base}/replay">${csrfField(context)}<input type="hidden" name="scope" value="dead"></form>
<div class="actions">
<button type="submit" form="replay-selection"${disabled}>Replay selected</button>
<button type="submit" form="replay-dead" class="danger"${disabled}>Replay every dead event</button>
${context.readOnly ? html`<span class="muted">Read-only console: replays are turned off.</span>` : ''}
</div>`;
  if (items.length === 0) return html`${controls}<p class="card">No events match${query.status || query.type || query.search || query.since || query.until ? ' these filters' : ' yet'}.</p>`;
  const rows = items.map(
    (entry) => html`<tr>
<td><input type="checkbox" name="id" value="${entry.id}" form="replay-selection" aria-label="Select ${entry.id}"${disabled}></td>
<td data-label="Event"><a href="${context.base}/events/${encodeURIComponent(entry.id)}"><code>${entry.id}</code></a><br><span>${entry.type}</span></td>
<td data-label="Status"><span class="status status-${entry.status}">${entry.status}</span></td>
<td data-label="Object"><code>${entry.objectId ?? '—'}</code></td>
<td data-label="Order"><code>${entry.orderId ?? '—'}</code></td>
<td data-label="Age"><time datetime="${entry.receivedAt}" title="${formatTime(entry.receivedAt)}">${formatAge(entry.receivedAt, context.now)}</time></td>
<td data-label="Attempts">${entry.attemptCount}</td>
${apiVersionCell(api.versions.get(entry.id), api.expected)}
</tr>`,
  );
  return html`${controls}
<table class="events">
<caption class="visually-hidden">Deliveries, newest first</caption>
<thead><tr><th scope="col"><span class="visually-hidden">Select</span></th><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Object</th><th scope="col">Order</th><th scope="col">Age</th><th scope="col">Attempts</th><th scope="col">API version</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}
