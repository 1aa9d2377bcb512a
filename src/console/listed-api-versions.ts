// The API version of each listed event, for the list page's drift column and banner. The log's
// list entries do not carry it, so it is read from the events themselves: one `inbox.get` per
// row of the page shown (at most its `limit`), never a scan of the log.
import type { Inbox, InboxEntry } from '../inbox/types.js';
import { html, type SafeHtml } from './html.js';

/** Each listed event's `api_version` by id (`undefined`: none, as on a thin notification). */
export type ListedApiVersions = ReadonlyMap<string, string | undefined>;

export async function listedApiVersions(inbox: Inbox, items: readonly InboxEntry[]): Promise<ListedApiVersions> {
  const records = await Promise.all(items.map((entry) => inbox.get(entry.id)));
  return new Map(items.map((entry, index) => [entry.id, apiVersionOf(records[index]?.event)]));
}

function apiVersionOf(event: unknown): string | undefined {
  const version = typeof event === 'object' && event !== null ? (event as { api_version?: unknown }).api_version : undefined;
  return typeof version === 'string' && version !== '' ? version : undefined;
}

/** The listed events whose version differs from `expected`, in list order. */
export function driftedIds(versions: ListedApiVersions, expected: string): string[] {
  return [...versions].filter(([, version]) => version !== undefined && version !== expected).map(([id]) => id);
}

/** The drift column's cell: the event's version, flagged when it differs from `expected`. */
export function apiVersionCell(version: string | undefined, expected: string): SafeHtml {
  if (version === undefined) return html`<td data-label="API version"><span class="muted">—</span></td>`;
  if (version === expected) return html`<td data-label="API version"><code>${version}</code></td>`;
  return html`<td data-label="API version" class="drift"><code>${version}</code> <span class="flag" title="The console expects ${expected}">differs</span></td>`;
}
