// The top of the list page: the inbox's health (lag, dead events) and API-version drift among the
// listed events, each problem linking to the deliveries it is about. Health comes from
// `inbox.health()` (index look-ups at any size of the log).
import type { Inbox, InboxHealth, InboxHealthProblem } from '../inbox/types.js';
import { formatAge } from './format.js';
import { html, type SafeHtml } from './html.js';
import type { PageContext } from './layout.js';

/** The inbox's health, or why it could not be read: the list page still shows without it. */
export async function readHealth(inbox: Inbox): Promise<InboxHealth | InboxHealthProblem> {
  try {
    return await inbox.health();
  } catch (error) {
    return { code: 'inbox_unavailable', message: `the inbox's health could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** What the banner says about drift: the expected version and the listed events that differ. */
export interface ListedDrift {
  expected: string;
  /** Ids of the listed events whose `api_version` differs, in list order. */
  ids: readonly string[];
}

export function healthBanner(context: PageContext, health: InboxHealth | InboxHealthProblem, drift: ListedDrift): SafeHtml {
  const problems = 'ok' in health ? health.problems.map((problem) => problemItem(context, problem)) : [problemItem(context, health)];
  if (drift.ids.length > 0) problems.push(driftItem(context, drift));
  const summary = 'ok' in health ? html`<p class="muted">Oldest queued: <b>${health.oldestQueuedAgeMs === null ? 'none' : formatAge(new Date(context.now - health.oldestQueuedAgeMs).toISOString(), context.now)}</b> · Dead since the last replay: <b>${health.dead}</b> · API version: <code>${drift.expected}</code></p>` : '';
  if (problems.length === 0) return html`<section class="health" aria-label="Health">${summary}</section>`;
  return html`<section class="health warning" role="alert" aria-label="Health">
<ul class="problems">${problems}</ul>
${summary}
</section>`;
}

// Where each problem's events are listed: waiting ones for lag, dead ones for dead events.
const listedAt: Partial<Record<InboxHealthProblem['code'], string>> = { lagging: 'queued', stalled: 'queued', dead_events: 'dead' };

function problemItem(context: PageContext, problem: InboxHealthProblem): SafeHtml {
  const status = listedAt[problem.code];
  const text = html`<b>${problem.code.replace('_', ' ')}</b>: ${problem.message}`;
  return status === undefined ? html`<li>${text}</li>` : html`<li>${text} <a href="${context.base}/?status=${status}">Show ${status} events</a></li>`;
}

function driftItem(context: PageContext, drift: ListedDrift): SafeHtml {
  const count = drift.ids.length;
  const first = drift.ids[0] as string;
  return html`<li><b>API version drift</b>: ${count} listed event${count === 1 ? ' has' : 's have'} an api_version other than ${drift.expected}; handlers typed for ${drift.expected} may misread them (see the API version column). <a href="${context.base}/events/${encodeURIComponent(first)}">Show ${first}</a></li>`;
}
