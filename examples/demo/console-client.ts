// What the demo asks of the app's operator console (examples/express-orders mounts it at /console
// with its inbox on): an event's status, and a replay, posted as the console's own form would be.
import { consolePath } from './console.js';

/** The status the console's event page shows (`queued`, `processing`, `failed`, `dead`, `done`, ...). */
export async function eventStatus(baseUrl: string, eventId: string): Promise<string | undefined> {
  const page = await fetch(`${baseUrl}${consolePath}events/${encodeURIComponent(eventId)}`);
  if (!page.ok) return undefined;
  return /class="status status-(\w+)"/.exec(await page.text())?.[1];
}

/** Replays one event through the console's confirmed form; resolves how many were re-queued. */
export async function replayFromConsole(baseUrl: string, eventId: string): Promise<number> {
  // The console's CSRF token is a cookie that its forms repeat: get one, then post both.
  const list = await fetch(`${baseUrl}${consolePath}`);
  const cookie = list.headers.getSetCookie().find((value) => value.startsWith('swk_console_csrf='))?.split(';')[0];
  if (!cookie) throw new Error(`the console at ${baseUrl}${consolePath} set no CSRF cookie (HTTP ${list.status})`);
  const form = new URLSearchParams({ csrf: cookie.slice(cookie.indexOf('=') + 1), id: eventId, confirm: 'yes' });
  const answer = await fetch(`${baseUrl}${consolePath}replay`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: baseUrl },
    body: form,
  });
  if (!answer.ok) throw new Error(`the console refused the replay: HTTP ${answer.status}`);
  return Number(answer.headers.get('x-replayed-count'));
}

/** Polls until `check` holds or `timeoutMs` passes; resolves whether it held. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return check();
}
