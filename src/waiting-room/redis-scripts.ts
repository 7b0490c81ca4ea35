/**
 * The Redis store's Lua, one script per operation that must not interleave. Every script
 * touches one room's keys only, all named with the hash tag `{<performanceId>}`, so a Redis
 * Cluster keeps a room in one slot and runs each script there (moving a line from one room to
 * another is three scripts: moveOut, moveIn, moveDone). KEYS are always the room's ten keys, in
 * this order:
 *
 *   1 room     hash: cfg (JSON), state, figs (JSON), grace, slimit, joined, served, drawn, entrants,
 *              admitted, started, skipped, lapsed, btok/bat (the token bucket), mto/mserved/mshift/mmoved
 *              (moved to another room), mpending/mjoined (being moved), min:<from> (a line moved in)
 *   2 buyers   hash: digest of the buyer key (12 bytes of SHA-256, base64url) ->
 *              "place|entryPlace|pre|ticketId|joinedAt|performanceId" (place: where the entry is in
 *              this room, 0 while undrawn; the rest is the signed entry; entryPlace is empty when it
 *              is place, performanceId when it is this room's: about 80 bytes a fan less in Redis)
 *   3 pre      hash: pre-queue ticket id -> last seen, until the draw
 *   4 ranks    hash: drawn ticket id -> place
 *   5 seen     hash: place -> last seen
 *   6 st       hash: place -> 1 admitted, 2 started, 3 skipped, 4 lapsed (absent: waiting)
 *   7 at       hash: place -> admitted at
 *   8 pending  zset: admitted, no hold yet, scored by admitted at
 *   9 recent   zset: made a hold lately, scored by started at
 *  10 win      hash: second -> admissions in it (the last minute's)
 */
export const ROOM_KEYS = ['room', 'buyers', 'pre', 'ranks', 'seen', 'st', 'at', 'pending', 'recent', 'win'] as const;

/** Shared helpers, prepended to each script. */
const LIB = `
local function num(v) return tonumber(v) or 0 end
local function lineOf(K)
  local f = redis.call('HMGET', K[1], 'cfg', 'state', 'figs', 'joined', 'served', 'entrants', 'drawn')
  if not f[1] then return nil end
  if f[7] ~= '1' then f[6] = tostring(redis.call('HLEN', K[3])) end
  return f
end
local function parse(rec)
  local p, ep, pre, tid, ja, pid = string.match(rec, '^(%d+)|(%d*)|(%d)|([^|]*)|(%d+)|(.*)$')
  if ep == '' then ep = p end
  return tonumber(p), ep, pre, tid, ja, pid
end
-- Where a buyer's record is in this room: a place, 0 for the undrawn pre-queue, nil when gone.
local function placeOf(K, p, pre, tid)
  if p > 0 then return p end
  if pre ~= '1' then return nil end
  if redis.call('HGET', K[1], 'drawn') == '1' then
    local r = redis.call('HGET', K[4], tid)
    return r and tonumber(r) or nil
  end
  if redis.call('HEXISTS', K[3], tid) == 1 then return 0 end
  return nil
end
local function isLive(K, place, now)
  if place == nil then return false end
  if place == 0 then return true end
  local s = redis.call('HGET', K[6], place)
  if not s then return place >= 1 and place <= num(redis.call('HGET', K[1], 'joined')) end
  if s == '1' then return true end
  if s == '2' then return now - num(redis.call('HGET', K[7], place)) < num(redis.call('HGET', K[1], 'slimit')) end
  return false
end
`;

const script = (body: string) => `${LIB}\n${body}`;

export const SCRIPTS = {
  /** ARGV: cfg JSON, state, initial figures JSON, grace ms, start limit ms. */
  configure: script(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'figs', ARGV[3], 'joined', 0, 'served', 0, 'drawn', 0, 'entrants', 0, 'admitted', 0, 'started', 0, 'skipped', 0, 'lapsed', 0)
end
local state = ARGV[2]
if state == 'pre_queue' and redis.call('HGET', KEYS[1], 'drawn') == '1' then state = 'open' end
redis.call('HSET', KEYS[1], 'cfg', ARGV[1], 'state', state, 'grace', ARGV[4], 'slimit', ARGV[5])
return 1`),

  line: script(`return lineOf(KEYS) or false`),

  /** ARGV: figures JSON. */
  publish: script(`
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'figs', ARGV[1]) end
return 1`),

  /** ARGV: buyer key digest, fresh ticket id, joined at, now. Returns { created, record }. */
  join: script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local now = tonumber(ARGV[4])
local rec = redis.call('HGET', KEYS[2], ARGV[1])
if rec then
  local p, ep, pre, tid = parse(rec)
  if isLive(KEYS, placeOf(KEYS, p, pre, tid), now) then return { 0, rec } end
end
local pre = redis.call('HGET', KEYS[1], 'drawn') ~= '1' and redis.call('HGET', KEYS[1], 'state') == 'pre_queue'
local place = 0
-- Last seen is stored negated until the first status poll (FIRST_POLL_GRACE_MS).
if pre then
  redis.call('HSET', KEYS[3], ARGV[2], -now)
else
  place = redis.call('HINCRBY', KEYS[1], 'joined', 1)
  redis.call('HSET', KEYS[5], place, -now)
end
rec = place .. '||' .. (pre and '1' or '0') .. '|' .. ARGV[2] .. '|' .. ARGV[3] .. '|'
redis.call('HSET', KEYS[2], ARGV[1], rec)
return { 1, rec }`),

  /**
   * ARGV: ticket id, pre (0/1), place, now. Returns { 'none' }, { 'unknown', line... },
   * { 'hop', to, place } when the place moved to another room, or { 'ok', line..., place, state, admittedAt }.
   */
  poll: script(`
local line = lineOf(KEYS)
if not line then return { 'none' } end
local now = tonumber(ARGV[4])
local place
if ARGV[2] == '1' then
  if line[7] ~= '1' then
    if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then return { 'unknown', unpack(line) } end
    redis.call('HSET', KEYS[3], ARGV[1], now)
    return { 'ok', line[1], line[2], line[3], line[4], line[5], line[6], line[7], 0, '0', 0 }
  end
  local r = redis.call('HGET', KEYS[4], ARGV[1])
  if not r then return { 'unknown', unpack(line) } end
  place = tonumber(r)
else
  place = tonumber(ARGV[3])
end
local m = redis.call('HMGET', KEYS[1], 'mto', 'mserved', 'mshift')
if m[1] and place > tonumber(m[2]) then return { 'hop', m[1], place + tonumber(m[3]) } end
local state = 'u'
if place >= 1 and place <= tonumber(line[4]) then
  redis.call('HSET', KEYS[5], place, now)
  state = redis.call('HGET', KEYS[6], place) or '0'
end
local at = redis.call('HGET', KEYS[7], place) or '0'
return { 'ok', line[1], line[2], line[3], line[4], line[5], line[6], line[7], place, state, at }`),

  /** Returns { drawn (0/1), entrants or ticket ids... }. */
  drawIds: script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if redis.call('HGET', KEYS[1], 'drawn') == '1' then return { 1, num(redis.call('HGET', KEYS[1], 'entrants')) } end
local ids = redis.call('HKEYS', KEYS[3])
table.insert(ids, 1, 0)
return ids`),

  /**
   * ARGV: now, ticket ids in drawn order. Returns { 0, entrants } once drawn; { -1 } when the
   * pre-queue changed since the ids were read (the caller orders again).
   */
  drawApply: script(`
if redis.call('HGET', KEYS[1], 'drawn') == '1' then return { 0, num(redis.call('HGET', KEYS[1], 'entrants')) } end
local n = #ARGV - 1
if redis.call('HLEN', KEYS[3]) ~= n then return { -1 } end
local seen = {}
for i = 2, #ARGV do
  local s = redis.call('HGET', KEYS[3], ARGV[i])
  if not s then return { -1 } end
  seen[i] = s
end
for i = 2, #ARGV do
  local place = redis.call('HINCRBY', KEYS[1], 'joined', 1)
  redis.call('HSET', KEYS[5], place, seen[i])
  redis.call('HSET', KEYS[4], ARGV[i], place)
end
redis.call('DEL', KEYS[3])
redis.call('HSET', KEYS[1], 'drawn', 1, 'entrants', n)
if redis.call('HGET', KEYS[1], 'state') == 'pre_queue' then redis.call('HSET', KEYS[1], 'state', 'open') end
return { 0, n }`),

  /** ARGV: now, recent-start window ms. */
  lapse: script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local now = tonumber(ARGV[1])
local limit = num(redis.call('HGET', KEYS[1], 'slimit'))
local due = redis.call('ZRANGEBYSCORE', KEYS[8], '-inf', now - limit)
for _, place in ipairs(due) do
  redis.call('ZREM', KEYS[8], place)
  redis.call('HSET', KEYS[6], place, 4)
end
redis.call('ZREMRANGEBYSCORE', KEYS[9], '-inf', now - tonumber(ARGV[2]))
if #due > 0 then redis.call('HINCRBY', KEYS[1], 'lapsed', #due) end
return #due`),

  /** ARGV: admissions, now, max steps, bucket tokens ('' for none), bucket at, first-poll grace ms. Returns { admitted, skipped }. */
  advance: script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return { 0, 0 } end
local want, now, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local f = redis.call('HMGET', KEYS[1], 'joined', 'served', 'grace', 'mserved')
local joined, served, grace = num(f[1]), num(f[2]), num(f[3])
-- A line moving or moved: the places past mserved belong to the other room now.
if f[4] then joined = math.min(joined, tonumber(f[4])) end
local firstPoll = tonumber(ARGV[6])
local admitted, skipped, steps = 0, 0, 0
while admitted < want and served < joined and steps < max do
  steps = steps + 1
  local last = num(redis.call('HGET', KEYS[5], served + 1))
  -- Never polled and still young: not admitted yet, and the counter waits here.
  if last < 0 and now + last <= firstPoll then break end
  served = served + 1
  if last < 0 or now - last > grace then
    redis.call('HSET', KEYS[6], served, 3)
    skipped = skipped + 1
  else
    redis.call('HSET', KEYS[6], served, 1)
    redis.call('HSET', KEYS[7], served, now)
    redis.call('ZADD', KEYS[8], now, served)
    admitted = admitted + 1
  end
end
redis.call('HSET', KEYS[1], 'served', served)
redis.call('HINCRBY', KEYS[1], 'admitted', admitted)
redis.call('HINCRBY', KEYS[1], 'skipped', skipped)
if admitted > 0 then redis.call('HINCRBY', KEYS[10], math.floor(now / 1000), admitted) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'btok', tonumber(ARGV[4]) - admitted, 'bat', ARGV[5]) end
return { admitted, skipped }`),

  /** ARGV: place, now. */
  startHold: script(`
if redis.call('HGET', KEYS[6], ARGV[1]) ~= '1' then return 0 end
redis.call('HSET', KEYS[6], ARGV[1], 2)
redis.call('ZREM', KEYS[8], ARGV[1])
redis.call('ZADD', KEYS[9], ARGV[2], ARGV[1])
redis.call('HINCRBY', KEYS[1], 'started', 1)
return 1`),

  /** ARGV: now, recent-start window ms. Returns the counters in RoomCounters order, then the bucket (strings). */
  counters: script(`
local line = lineOf(KEYS)
if not line then return false end
local now = tonumber(ARGV[1])
local second = math.floor(now / 1000)
local win = redis.call('HGETALL', KEYS[10])
local minute = 0
for i = 1, #win, 2 do
  local s = tonumber(win[i])
  if second - s < 60 then minute = minute + tonumber(win[i + 1]) elseif second - s >= 120 then redis.call('HDEL', KEYS[10], win[i]) end
end
local t = redis.call('HMGET', KEYS[1], 'admitted', 'started', 'skipped', 'lapsed', 'btok', 'bat')
return { line[4], line[5], line[6], redis.call('ZCARD', KEYS[8]), redis.call('ZCOUNT', KEYS[9], '(' .. (now - tonumber(ARGV[2])), '+inf'),
  minute, num(t[1]), num(t[2]), num(t[3]), num(t[4]), t[5] or '', t[6] or '' }`),

  /**
   * Moving a line, step 1 of 3, on the from room. ARGV: to's performance id. Marks the room as
   * moving (mpending, and the places that go: mserved < place <= mjoined; its counter stops at
   * mserved) and returns { 'move', served, joined, JSON of { seen, buyers } }: the last-seen time
   * of each place that goes, in order, and each buyer whose place goes as { key, place, rest of
   * the record }. Run again before step 3 it returns the same places; after step 3,
   * { 'done', moved, shift }.
   */
  moveOut: script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('both lines must be loaded to move one into the other') end
local m = redis.call('HMGET', KEYS[1], 'mto', 'mshift', 'mmoved', 'mpending', 'mserved', 'mjoined')
if m[1] then
  if m[1] ~= ARGV[1] then return redis.error_reply('this line already moved to ' .. m[1]) end
  return { 'done', num(m[3]), num(m[2]) }
end
if m[4] and m[4] ~= ARGV[1] then return redis.error_reply('this line is being moved to ' .. m[4]) end
local as, aj
if m[4] then
  as, aj = tonumber(m[5]), tonumber(m[6])
else
  if redis.call('HGET', KEYS[1], 'drawn') ~= '1' and redis.call('HLEN', KEYS[3]) > 0 then return redis.error_reply('draw the pre-queue before moving the line') end
  as, aj = num(redis.call('HGET', KEYS[1], 'served')), num(redis.call('HGET', KEYS[1], 'joined'))
  redis.call('HSET', KEYS[1], 'mpending', ARGV[1], 'mserved', as, 'mjoined', aj)
end
local seen, buyers = {}, {}
for place = as + 1, aj do seen[#seen + 1] = redis.call('HGET', KEYS[5], place) or '0' end
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all, 2 do
  local p, ep, pre, tid, ja, pid = parse(all[i + 1])
  local place = placeOf(KEYS, p, pre, tid)
  if place and place > as and place <= aj then
    if pid == '' then pid = string.match(KEYS[1], '{([^{}]*)}:room$') end
    buyers[#buyers + 1] = { all[i], place, ep .. '|' .. pre .. '|' .. tid .. '|' .. ja .. '|' .. pid }
  end
end
return { 'move', as, aj, cjson.encode({ seen = seen, buyers = buyers }) }`),

  /**
   * Step 2 of 3, on the to room. ARGV: from's performance id, served, joined, the JSON of step 1.
   * Appends the places in order after the room's own and gives each buyer who has none here the
   * moved place; once per from room (kept as min:<from>). Returns { moved, shift }.
   */
  moveIn: script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('both lines must be loaded to move one into the other') end
local as, aj = tonumber(ARGV[2]), tonumber(ARGV[3])
local done = redis.call('HGET', KEYS[1], 'min:' .. ARGV[1])
if done then return { aj - as, tonumber(done) } end
local out = cjson.decode(ARGV[4])
local shift = num(redis.call('HGET', KEYS[1], 'joined')) - as
for i = 1, aj - as do
  local np = redis.call('HINCRBY', KEYS[1], 'joined', 1)
  redis.call('HSET', KEYS[5], np, out.seen[i])
end
-- A buyer still waiting keeps one place: joining the new performance returns the old ticket.
for _, b in ipairs(out.buyers) do
  if redis.call('HEXISTS', KEYS[2], b[1]) == 0 then redis.call('HSET', KEYS[2], b[1], (b[2] + shift) .. '|' .. b[3]) end
end
redis.call('HSET', KEYS[1], 'min:' .. ARGV[1], shift)
return { aj - as, shift }`),

  /** Step 3 of 3, on the from room. ARGV: to's performance id, shift, moved. Its places past mserved now answer from the to room. */
  moveDone: script(`
redis.call('HSET', KEYS[1], 'mto', ARGV[1], 'mshift', ARGV[2], 'mmoved', ARGV[3])
redis.call('HDEL', KEYS[1], 'mpending')
return 1`),

  /** KEYS: the lock. ARGV: token. */
  unlock: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
} as const;
