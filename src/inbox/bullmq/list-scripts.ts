/*
 * The read side of the event log on Redis (see event-log-scripts.ts for the keys): one page of
 * `list()`, and `timeline()`. Both only read, and each call is bounded, so that a console page
 * never holds the server for long whatever the size of the log.
 */

/**
 * ARGV: base, before (exclusive upper sequence, '' for none), wanted rows, budget (entries to
 * examine in this call), filter JSON `{ keys, eventId?, statuses?, type?, objectId?, orderId?,
 * search?, since?, until? }`. `keys` are the index sets to merge (newest first); every other
 * field is checked on the event's hash. Returns {rows, continueBefore}: `continueBefore` is ''
 * when the log has nothing more, else the sequence to pass as `before` to go on (the budget ran
 * out). A row is {id, type, status, object, order, created, receivedAt, updatedAt, attempts, seq}.
 */
export const listPageScript = `
local base, wanted, budget = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4])
local f = cjson.decode(ARGV[5])
local before, low = tonumber(ARGV[2]), 0
local function fmt(n) return string.format('%.0f', n) end
-- A time range becomes a sequence range: arrival time and sequence grow together (one script).
if f.since then
  local first = redis.call('ZRANGEBYSCORE', base .. ':time', fmt(f.since), '+inf', 'LIMIT', 0, 1)[1]
  if not first then return {{}, ''} end
  low = tonumber(first)
end
if f['until'] then
  local last = redis.call('ZREVRANGEBYSCORE', base .. ':time', '(' .. fmt(f['until']), '-inf', 'LIMIT', 0, 1)[1]
  if not last then return {{}, ''} end
  if not before or tonumber(last) + 1 < before then before = tonumber(last) + 1 end
end
local statuses = nil
if f.statuses then statuses = {} for _, s in ipairs(f.statuses) do statuses[s] = true end end
local function matches(id, h)
  if not h[2] then return false end
  if statuses and not statuses[h[2]] then return false end
  if f.type and h[1] ~= f.type then return false end
  if f.objectId and h[3] ~= f.objectId then return false end
  if f.orderId and h[4] ~= f.orderId then return false end
  if f.search and id ~= f.search and h[3] ~= f.search and h[4] ~= f.search then return false end
  local at = tonumber(h[6])
  if f.since and at < f.since then return false end
  if f['until'] and at >= f['until'] then return false end
  return true
end
local rows, examined = {}, 0
while true do
  local max = before and ('(' .. fmt(before)) or '+inf'
  local batch, seen, full = {}, {}, false
  for _, k in ipairs(f.keys) do
    local found = redis.call('ZREVRANGEBYSCORE', base .. k, max, fmt(low), 'WITHSCORES', 'LIMIT', 0, 100)
    if #found == 200 then full = true end
    for i = 1, #found, 2 do
      if not seen[found[i]] then seen[found[i]] = true batch[#batch + 1] = { found[i], tonumber(found[i + 1]) } end
    end
  end
  if f.eventId and not seen[f.eventId] then
    local seq = tonumber(redis.call('HGET', base .. ':e:' .. f.eventId, 'seq') or '')
    if seq and seq >= low and (not before or seq < before) then batch[#batch + 1] = { f.eventId, seq } end
  end
  table.sort(batch, function(a, b) return a[2] > b[2] end)
  -- Only the first 100 of the merged batch are surely next: a full set may hold more above the rest.
  local take = math.min(#batch, 100)
  for i = 1, take do
    local id, seq = batch[i][1], batch[i][2]
    before = seq
    examined = examined + 1
    local h = redis.call('HMGET', base .. ':e:' .. id, 'type', 'status', 'object', 'order', 'created', 'receivedAt', 'updatedAt')
    if matches(id, h) then
      rows[#rows + 1] = { id, h[1], h[2], h[3] or '', h[4] or '', h[5], h[6], h[7], redis.call('LLEN', base .. ':a:' .. id), seq }
      if #rows >= wanted then return {rows, fmt(seq)} end
    end
  end
  if not full and take == #batch then return {rows, ''} end
  if examined >= budget then return {rows, fmt(before)} end
end`;

/** ARGV: base, id. Returns {hash as HGETALL flattens it, attempts}: one event for `inbox.get()`. */
export const eventScript = `local key = ARGV[1] .. ':e:' .. ARGV[2]
return {redis.call('HGETALL', key), redis.call('LRANGE', ARGV[1] .. ':a:' .. ARGV[2], 0, -1)}`;

/**
 * ARGV: base, since (ms), bucketMs, buckets, until (ms). Returns {received, failed} per bucket,
 * flattened: two counts of sorted-set ranges per bucket, exact to the millisecond.
 */
export const timelineScript = `
local base, since, width, buckets, stop = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local function fmt(n) return string.format('%.0f', n) end
local counts = {}
for i = 0, buckets - 1 do
  local from = since + i * width
  local to = math.min(from + width, stop)
  counts[#counts + 1] = redis.call('ZCOUNT', base .. ':time', fmt(from), '(' .. fmt(to))
  counts[#counts + 1] = redis.call('ZCOUNT', base .. ':tf', fmt(from), '(' .. fmt(to))
end
return counts`;
