import { judgeHealth, resolveHealthOptions, type InboxHealth, type InboxHealthOptions } from '../inbox-health.js';

/**
 * ARGV: base. What `inbox.health()` reads on Redis, in one script and O(1) at any size: the size
 * of each status's set, the lowest sequence of the `queued` set (the oldest arrival) and its
 * `receivedAt`, the time the last event was done (kept in the counts hash), and the server's clock.
 */
export const healthScript = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local base = ARGV[1]
local counts = {}
for i, status in ipairs({ 'queued', 'processing', 'failed', 'dead' }) do counts[i] = tostring(redis.call('ZCARD', base .. ':s:' .. status)) end
local oldest = redis.call('ZRANGE', base .. ':s:queued', 0, 0)
local at = ''
if oldest[1] then at = redis.call('HGET', base .. ':e:' .. oldest[1], 'receivedAt') or '' end
local doneAt = redis.call('HGET', base .. ':counts', 'doneAt') or ''
return {counts[1], counts[2], counts[3], counts[4], at, doneAt, tostring(now)}`;

/** `inbox.health()` on BullMQ: `run` runs the script with the log's base key. */
export async function bullmqHealth(options: InboxHealthOptions | undefined, run: (script: string) => Promise<unknown>): Promise<InboxHealth> {
  const resolved = resolveHealthOptions(options);
  const [queued, processing, failed, dead, oldestAt, doneAt, now] = ((await run(healthScript)) as string[]).map(String);
  const count = (value: string | undefined) => Math.max(0, Number(value ?? 0));
  const time = (value: string | undefined) => (value ? Number(value) : undefined);
  const reading = { queued: count(queued), processing: count(processing), failed: count(failed), dead: count(dead), oldestQueuedAt: time(oldestAt), lastDoneAt: time(doneAt), now: Number(now) };
  return judgeHealth(reading, resolved);
}
