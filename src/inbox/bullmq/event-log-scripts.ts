/*
 * The kit's event log on Redis, beside BullMQ's keys, under `<base>` = `<prefix>:<queue>:inbox`:
 * - `<base>:e:<id>`: a hash per event (payload, status, lease, generation, and while it is claimed
 *   the attempt's start and whether it holds its object);
 * - `<base>:a:<id>`: the event's attempts, a list of one JSON object each: a claim appends one and
 *   its settle completes it in place, so that neither rewrites the attempts before it;
 * - `<base>:all`: a sorted set of event ids by arrival sequence, for listing newest first;
 * - index sets of ids by the same sequence, so that a filtered page reads only what it shows:
 *   `<base>:s:<status>`, `<base>:t:<type>`, `<base>:io:<object id>`, `<base>:or:<order reference>`;
 * - `<base>:time`: each event's zero-padded sequence by arrival time (time range -> sequence
 *   range, and the timeline's `received`); `<base>:tf`: ids of failed, dead and discarded events
 *   by arrival time (the timeline's `failed`);
 * - `<base>:seq`: the arrival counter; `<base>:counts`: `doneAt`, when an event was last done
 *   (logs written before this version also keep counters by status there, no longer read: the
 *   count of a status is its set's ZCARD, which costs no write per move);
 * - `<base>:o:<object id>`: who holds an object and the `created` of its newest done event;
 *   `<base>:oq:<object id>`: the object's queued events by `created`, for per-object ordering.
 * Every index entry is written and removed in the same script as the event's own change.
 * Each step is one Lua script, so it is atomic across workers; times are the server's (TIME), so
 * hosts with skewed clocks agree on leases. Keys are built inside the scripts: one Redis server
 * (or a cluster with a hash-tagged prefix such as `{bull}`).
 */

// `nowText` is the same time as text: a number passed to redis.call is formatted with %.17g, which
// costs about as much as the command that takes it, so the scripts of every job pass text.
const now = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nowText = t[1] .. string.format('%03d', math.floor(tonumber(t[2]) / 1000))`;
// A status change moves the event between the status sets, in or out of `tf`, and in
// or out of its object's `oq` (the queued events of the object by `created`). The caller passes
// the fields it has already read, so that the hash is read once per script.
const move = `local failing = { failed = true, dead = true, discarded = true }
local function move(base, id, from, to, seq, at, object, created)
  if from then redis.call('ZREM', base .. ':s:' .. from, id) end
  redis.call('ZADD', base .. ':s:' .. to, seq, id)
  if failing[to] then redis.call('ZADD', base .. ':tf', at, id) elseif from and failing[from] then redis.call('ZREM', base .. ':tf', id) end
  -- For inbox.health()'s lastDoneAt (health-script.ts).
  if to == 'done' then redis.call('HSET', base .. ':counts', 'doneAt', nowText) end
  if object and object ~= '' then
    if to == 'queued' then redis.call('ZADD', base .. ':oq:' .. object, created, id)
    elseif from == 'queued' then redis.call('ZREM', base .. ':oq:' .. object, id) end
  end
end`;
// An attempt is stored as the claim wrote it, `{"startedAt":<ms>}`, until its outcome is spliced
// in: the outcome comes as JSON from the worker, so no script decodes or re-encodes either.
const outcome = `local function withOutcome(attempt, json)
  if json == '{}' then return attempt end
  return string.sub(attempt, 1, -2) .. ',' .. string.sub(json, 2)
end`;

/** ARGV: base, then statuses. Returns the number of events in each status: the ZCARD of its set. */
export const countsScript = `local counts = {}
for i = 2, #ARGV do counts[#counts + 1] = redis.call('ZCARD', ARGV[1] .. ':s:' .. ARGV[i]) end
return counts`;

/** The member of `<base>:time` for a sequence: zero-padded, so ties in time sort by sequence. */
export const timeMember = `local function timeMember(seq) return string.format('%016.0f', seq) end`;

/**
 * ARGV: base, id, type, objectId ('' for none), created, payload, orderRef ('' for none),
 * traceContext ('' for none). Returns {1} stored, {0, enqueued} already there. `enqueued` turns 1
 * when a worker first claims the event (or a stopping worker defers its job): until then, a
 * duplicate delivery adds the job again, which BullMQ ignores while the job exists (its id names
 * the event), and which replaces a job that an ingress that died before adding it never added.
 */
export const insertScript = `${now}
${move}
${timeMember}
local base, id, object, order = ARGV[1], ARGV[2], ARGV[4], ARGV[7]
local key = base .. ':e:' .. id
if redis.call('EXISTS', key) == 1 then return {0, tonumber(redis.call('HGET', key, 'enqueued') or '1')} end
local seq = redis.call('INCR', base .. ':seq')
redis.call('HSET', key, 'type', ARGV[3], 'object', object, 'order', order, 'trace', ARGV[8], 'created', ARGV[5], 'payload', ARGV[6],
  'generation', 0, 'enqueued', 0, 'receivedAt', now, 'updatedAt', now, 'seq', seq, 'status', 'queued')
redis.call('ZADD', base .. ':all', seq, id)
redis.call('ZADD', base .. ':t:' .. ARGV[3], seq, id)
if object ~= '' then redis.call('ZADD', base .. ':io:' .. object, seq, id) end
if order ~= '' then redis.call('ZADD', base .. ':or:' .. order, seq, id) end
redis.call('ZADD', base .. ':time', now, timeMember(seq))
move(base, id, nil, 'queued', seq, now, object, ARGV[5])
return {1, 0}`;

/**
 * ARGV: base, id, token, leaseMs, perObject ('1'/'0'). Returns {state, payload|retryInMs, stale,
 * receivedAt, attempt, traceContext}.
 */
export const claimScript = `${now}
${move}
local base, id, token, lease = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local key = base .. ':e:' .. id
local status, leased, object, created, seq, at, payload, trace = unpack(redis.call('HMGET', key, 'status', 'leaseUntil', 'object', 'created', 'seq', 'receivedAt', 'payload', 'trace'))
if not status then return {'missing'} end
-- A job was delivered for the event: from now on a duplicate delivery adds none (see insertScript).
if status == 'done' or status == 'discarded' or status == 'dead' then redis.call('HSET', key, 'enqueued', 1) return {'settled'} end
if status == 'processing' and tonumber(leased or '0') > now then redis.call('HSET', key, 'enqueued', 1) return {'busy', tonumber(leased) - now + 100} end
local stale, holds = 0, '0'
if ARGV[5] == '1' and object ~= '' then
  local okey = base .. ':o:' .. object
  local holder, held, doneCreated = unpack(redis.call('HMGET', okey, 'holder', 'leaseUntil', 'doneCreated'))
  -- Of the events waiting for the object, the oldest by created runs first, whatever order their
  -- jobs come in: another holding it, or an older one still queued, goes before this one.
  if (holder and holder ~= '' and holder ~= id and tonumber(held or '0') > now)
    or #redis.call('ZRANGEBYSCORE', base .. ':oq:' .. object, '-inf', '(' .. created, 'LIMIT', 0, 1) > 0 then
    redis.call('HSET', key, 'enqueued', 1)
    return {'busy', 200}
  end
  redis.call('HSET', okey, 'holder', id, 'leaseUntil', now + lease)
  holds = '1'
  if tonumber(created) < tonumber(doneCreated or '0') then stale = 1 end
end
local attempt = redis.call('RPUSH', base .. ':a:' .. id, '{"startedAt":' .. nowText .. '}')
-- The attempt's start and whether the event holds its object are kept beside the token, so that
-- the settle reads them with the fields it reads anyway, rather than the attempt and the object.
redis.call('HSET', key, 'status', 'processing', 'token', token, 'leaseUntil', string.format('%d', now + lease), 'updatedAt', nowText, 'enqueued', '1',
  'startedAt', nowText, 'holds', holds)
move(base, id, status, 'processing', seq, at, object, created)
return {'claimed', payload, stale, at, attempt, trace or ''}`;

/** ARGV: base, id, token, status, outcome JSON. Returns 1 when recorded, 0 when the lease was lost. */
export const settleScript = `${now}
${move}
${outcome}
local base, id, token, status = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local key = base .. ':e:' .. id
local owner, current, object, created, seq, at, startedAt, holds = unpack(redis.call('HMGET', key, 'token', 'status', 'object', 'created', 'seq', 'receivedAt', 'startedAt', 'holds'))
if owner ~= token or current ~= 'processing' then return 0 end
local attempts = base .. ':a:' .. id
-- The attempt as its claim wrote it; an event claimed by a version that kept no start is read.
local attempt = startedAt and ('{"startedAt":' .. startedAt .. '}') or redis.call('LINDEX', attempts, -1)
redis.call('LSET', attempts, -1, withOutcome(attempt, ARGV[5]))
-- Emptied rather than deleted, in the same command: every reader of the lease checks the status first.
redis.call('HSET', key, 'status', status, 'updatedAt', nowText, 'token', '', 'leaseUntil', '0')
move(base, id, 'processing', status, seq, at, object, created)
-- An event claimed without holding its object (ordering 'none') leaves the object alone.
if object ~= '' and holds ~= '0' then
  local okey = base .. ':o:' .. object
  local holder, doneCreated = unpack(redis.call('HMGET', okey, 'holder', 'doneCreated'))
  if holder == id then
    redis.call('HSET', okey, 'holder', '', 'leaseUntil', 0)
    if status == 'done' and tonumber(created) > tonumber(doneCreated or '0') then redis.call('HSET', okey, 'doneCreated', created) end
  end
end
return 1`;

/** ARGV: base, id, generation, reason JSON. Marks an event dead whose job the engine gave up on; returns its type, or 0 if it was not marked. */
export const markDeadScript = `${now}
${move}
${outcome}
local base, id = ARGV[1], ARGV[2]
local key = base .. ':e:' .. id
local status, generation, type, object, created, seq, at = unpack(redis.call('HMGET', key, 'status', 'generation', 'type', 'object', 'created', 'seq', 'receivedAt'))
if not status or status == 'done' or status == 'discarded' or status == 'dead' then return 0 end
if generation ~= ARGV[3] then return 0 end
-- The last attempt gets the reason only if its worker never recorded an outcome.
local attempts = base .. ':a:' .. id
local last = redis.call('LINDEX', attempts, -1)
if last and string.match(last, '^{"startedAt":%d+}$') then redis.call('LSET', attempts, -1, withOutcome(last, ARGV[4])) end
redis.call('HSET', key, 'status', 'dead', 'updatedAt', now)
redis.call('HDEL', key, 'token', 'leaseUntil')
move(base, id, status, 'dead', seq, at, object, created)
return type`;

/** ARGV: base, id, includeDone ('1'/'0'). Re-queues an event no worker holds (a done one only with includeDone); returns its new generation, or -1. */
export const requeueScript = `${now}
${move}
local base, id = ARGV[1], ARGV[2]
local key = base .. ':e:' .. id
local status, leased, object, created, seq, at = unpack(redis.call('HMGET', key, 'status', 'leaseUntil', 'object', 'created', 'seq', 'receivedAt'))
if not status then return -1 end
if status == 'processing' and tonumber(leased or '0') > now then return -1 end
if status == 'done' and ARGV[3] ~= '1' then return -1 end
redis.call('HSET', key, 'status', 'queued', 'updatedAt', now)
move(base, id, status, 'queued', seq, at, object, created)
return redis.call('HINCRBY', key, 'generation', 1)`;

/** ARGV: base, id, olderThan (ms). Deletes a settled event received before olderThan, its attempts and its index entries. */
export const purgeScript = `${timeMember}
local base, id = ARGV[1], ARGV[2]
local key = base .. ':e:' .. id
local status, at, seq, type, object, order = unpack(redis.call('HMGET', key, 'status', 'receivedAt', 'seq', 'type', 'object', 'order'))
if not (status == 'done' or status == 'discarded' or status == 'dead') then return 0 end
if tonumber(at) >= tonumber(ARGV[3]) then return 0 end
redis.call('DEL', key, base .. ':a:' .. id)
for _, index in ipairs({ ':all', ':s:' .. status, ':t:' .. type, ':tf' }) do redis.call('ZREM', base .. index, id) end
if object and object ~= '' then redis.call('ZREM', base .. ':io:' .. object, id) end
if order and order ~= '' then redis.call('ZREM', base .. ':or:' .. order, id) end
redis.call('ZREM', base .. ':time', timeMember(tonumber(seq)))
return 1`;
