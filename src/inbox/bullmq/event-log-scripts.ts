/*
 * The kit's event log on Redis, beside BullMQ's keys, under `<base>` = `<prefix>:<queue>:inbox`:
 * - `<base>:e:<id>`: a hash per event (payload, status, attempts as JSON, lease, generation);
 * - `<base>:all`: a sorted set of event ids by arrival sequence, for listing newest first;
 * - `<base>:seq`: the arrival counter; `<base>:counts`: events by status;
 * - `<base>:o:<object id>`: who holds an object and the `created` of its newest done event.
 * Each step is one Lua script, so it is atomic across workers; times are the server's (TIME), so
 * hosts with skewed clocks agree on leases. Keys are built inside the scripts: one Redis server
 * (or a cluster with a hash-tagged prefix such as `{bull}`).
 */

const now = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
const move = `local function move(base, from, to) if from then redis.call('HINCRBY', base .. ':counts', from, -1) end redis.call('HINCRBY', base .. ':counts', to, 1) end`;

/** ARGV: base, id, type, objectId ('' for none), created, payload. Returns {1} stored, {0, enqueued} already there. */
export const insertScript = `${now}
local base, id = ARGV[1], ARGV[2]
local key = base .. ':e:' .. id
if redis.call('EXISTS', key) == 1 then return {0, tonumber(redis.call('HGET', key, 'enqueued') or '1')} end
local seq = redis.call('INCR', base .. ':seq')
redis.call('HSET', key, 'type', ARGV[3], 'object', ARGV[4], 'created', ARGV[5], 'payload', ARGV[6], 'status', 'queued',
  'attempts', '[]', 'generation', 0, 'enqueued', 0, 'receivedAt', now, 'updatedAt', now, 'seq', seq)
redis.call('ZADD', base .. ':all', seq, id)
redis.call('HINCRBY', base .. ':counts', 'queued', 1)
return {1, 0}`;

/** ARGV: base, id, token, leaseMs, perObject ('1'/'0'). Returns {state, payload|retryInMs, stale}. */
export const claimScript = `${now}
${move}
local base, id, token, lease = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local key = base .. ':e:' .. id
local status = redis.call('HGET', key, 'status')
if not status then return {'missing'} end
if status == 'done' or status == 'discarded' or status == 'dead' then return {'settled'} end
if status == 'processing' then
  local leased = tonumber(redis.call('HGET', key, 'leaseUntil') or '0')
  if leased > now then return {'busy', leased - now + 100} end
end
local stale = 0
local object = redis.call('HGET', key, 'object')
if ARGV[5] == '1' and object ~= '' then
  local okey = base .. ':o:' .. object
  local holder = redis.call('HGET', okey, 'holder')
  local held = tonumber(redis.call('HGET', okey, 'leaseUntil') or '0')
  if holder and holder ~= '' and holder ~= id and held > now then return {'busy', 200} end
  redis.call('HSET', okey, 'holder', id, 'leaseUntil', now + lease)
  if tonumber(redis.call('HGET', key, 'created')) < tonumber(redis.call('HGET', okey, 'doneCreated') or '0') then stale = 1 end
end
local attempts = cjson.decode(redis.call('HGET', key, 'attempts'))
attempts[#attempts + 1] = { startedAt = now }
redis.call('HSET', key, 'status', 'processing', 'token', token, 'leaseUntil', now + lease, 'updatedAt', now, 'attempts', cjson.encode(attempts))
move(base, status, 'processing')
return {'claimed', redis.call('HGET', key, 'payload'), stale}`;

/** ARGV: base, id, token, status, outcome JSON. Returns 1 when recorded, 0 when the lease was lost. */
export const settleScript = `${now}
${move}
local base, id, token, status = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local key = base .. ':e:' .. id
if redis.call('HGET', key, 'token') ~= token or redis.call('HGET', key, 'status') ~= 'processing' then return 0 end
local attempts = cjson.decode(redis.call('HGET', key, 'attempts'))
local last = attempts[#attempts]
for k, v in pairs(cjson.decode(ARGV[5])) do last[k] = v end
redis.call('HSET', key, 'status', status, 'updatedAt', now, 'attempts', cjson.encode(attempts))
redis.call('HDEL', key, 'token', 'leaseUntil')
move(base, 'processing', status)
local object = redis.call('HGET', key, 'object')
if object ~= '' then
  local okey = base .. ':o:' .. object
  if redis.call('HGET', okey, 'holder') == id then
    redis.call('HSET', okey, 'holder', '', 'leaseUntil', 0)
    local created = tonumber(redis.call('HGET', key, 'created'))
    if status == 'done' and created > tonumber(redis.call('HGET', okey, 'doneCreated') or '0') then redis.call('HSET', okey, 'doneCreated', created) end
  end
end
return 1`;

/** ARGV: base, id, generation, reason JSON. Marks an event dead whose job the engine gave up on. */
export const markDeadScript = `${now}
${move}
local base, id = ARGV[1], ARGV[2]
local key = base .. ':e:' .. id
local status = redis.call('HGET', key, 'status')
if not status or status == 'done' or status == 'discarded' or status == 'dead' then return 0 end
if redis.call('HGET', key, 'generation') ~= ARGV[3] then return 0 end
local attempts = cjson.decode(redis.call('HGET', key, 'attempts'))
local last = attempts[#attempts]
if last and not last.durationMs and not last.error then for k, v in pairs(cjson.decode(ARGV[4])) do last[k] = v end end
redis.call('HSET', key, 'status', 'dead', 'updatedAt', now, 'attempts', cjson.encode(attempts))
redis.call('HDEL', key, 'token', 'leaseUntil')
move(base, status, 'dead')
return 1`;

/** ARGV: base, id. Re-queues an event no worker holds; returns its new generation, or -1. */
export const requeueScript = `${now}
${move}
local base, id = ARGV[1], ARGV[2]
local key = base .. ':e:' .. id
local status = redis.call('HGET', key, 'status')
if not status then return -1 end
if status == 'processing' and tonumber(redis.call('HGET', key, 'leaseUntil') or '0') > now then return -1 end
redis.call('HSET', key, 'status', 'queued', 'updatedAt', now)
move(base, status, 'queued')
return redis.call('HINCRBY', key, 'generation', 1)`;

/** ARGV: base, id, olderThan (ms). Deletes a settled event received before olderThan. */
export const purgeScript = `
local base, id = ARGV[1], ARGV[2]
local key = base .. ':e:' .. id
local status = redis.call('HGET', key, 'status')
if not (status == 'done' or status == 'discarded' or status == 'dead') then return 0 end
if tonumber(redis.call('HGET', key, 'receivedAt')) >= tonumber(ARGV[3]) then return 0 end
redis.call('DEL', key)
redis.call('ZREM', base .. ':all', id)
redis.call('HINCRBY', base .. ':counts', status, -1)
return 1`;
