-- RedisStore ingest: dedupe and every aggregate update of one batch, atomically, in one
-- EVALSHA. Per event only the dedupe check touches Redis (SADD + SISMEMBER); counters,
-- distinct-member sets and online records are gathered in Lua tables and written once per
-- key per batch (HMGET+HSET, SMISMEMBER+SADD, ZMSCORE+ZADD). Contract: server/store/README.md
--   KEYS[1] = key base "{prefix}:" (every key below starts with it: one hash slot)
--   ARGV[1..11] header (encode.ts), then
--   ARGV[12] hashes: 8 raw bytes of hash64(id) per event, concatenated
--   ARGV[13] fields: JSON flat array, FIELDS values per event:
--            type org member periodIndex hour a b c ts
--            type: s study (a minutes) | e exam (a passed 1/0) | m meeting (a kind index,
--            b attendees, c expected) | t transfer (a stage index, b case id, c dest) |
--            c checkin (a H3 cell) | p points (a points) | a active (member '' = none)
--   ARGV[14] periods: JSON array of [day, month, quarter]
--   ARGV[15] the batch's masked events as one JSON array (goes to the stream with the dups)
--   ARGV[16] dedupe members: per event hash64(id) as a signed 64-bit decimal, ','-separated
--   ARGV[17..] ticker items: pairs of event index and item JSON
-- Returns the 0-based indexes of the duplicates.
local B = KEYS[1]
local gen = tonumber(ARGV[1])
local ngens = tonumber(ARGV[2])
local nbuckets = tonumber(ARGV[3])
local ttlDay, ttlMonth, ttlQuarter = ARGV[4], ARGV[5], ARGV[6]
local replayMs = tonumber(ARGV[7])
local onlineBefore = ARGV[8]
local tickerKeep = tonumber(ARGV[10])
local nowMs = ARGV[11]
local FIELDS = 9
local nEvents = tonumber(ARGV[9])
local hashes = ARGV[12]
local F = cjson.decode(ARGV[13])
local periods = cjson.decode(ARGV[14])
local members = ARGV[16] or ''
local n = #hashes / 8
local _, commas = string.gsub(members, ',', '')
if n ~= nEvents or #F ~= n * FIELDS or n < 1 or commas ~= n - 1 or #members < 2 * n - 1 then
  return redis.error_reply('ERR zhdj ingest: malformed batch')
end
local SEP = '\031'
local call = redis.call
local CHUNK = 2000

local function split(s)
  local out, from = {}, 1
  while true do
    local at = string.find(s, SEP, from, true)
    if not at then out[#out + 1] = string.sub(s, from) return out end
    out[#out + 1] = string.sub(s, from, at - 1)
    from = at + 1
  end
end

-- call(cmd, key, ...list) in chunks of CHUNK list items (Lua's unpack limit is ~8000)
local function chunked(cmd, key, list, per, collect)
  for i = 1, #list, CHUNK * per do
    local r = call(cmd, key, unpack(list, i, math.min(i + CHUNK * per - 1, #list)))
    if collect then for _, v in ipairs(r) do collect[#collect + 1] = v end end
  end
end

-- counters: inc[key][org][slot] = delta; field names `${org}|${slot}` are built once at flush
local inc, ttl, sections = {}, {}, {}
local function add(k, org, slot, d, keyTtl, section)
  local t = inc[k]
  if not t then t = {}; inc[k] = t; ttl[k] = keyTtl; sections[section] = true end
  local r = t[org]
  if not r then r = {}; t[org] = r end
  r[slot] = (r[slot] or 0) + d
end
-- distinct members: set key -> members in first-seen order and the event that saw each first
local learners = {}
local function learner(setKey, monthly, member, e)
  local l = learners[setKey]
  if not l then l = { order = {}, first = {}, monthly = monthly }; learners[setKey] = l end
  if not l.first[member] then
    l.first[member] = e
    l.order[#l.order + 1] = member
  end
end
-- per-batch caches of key names
local keyCache = {}
local function key(kind, period)
  local c = keyCache[kind]
  if not c then c = {}; keyCache[kind] = c end
  local k = c[period]
  if not k then k = B .. kind .. period; c[period] = k end
  return k
end
local secCache = {}
local function sec(kind, period)
  local c = secCache[kind]
  if not c then c = {}; secCache[kind] = c end
  local s = c[period]
  if not s then s = kind .. period; c[period] = s end
  return s
end
local online, onlineTs, onlineOrder = {}, {}, {}

-- dedupe generations: gen, gen-1, …; each sized once, when it starts, from the ids the
-- generation before it remembered (about 100 per bucket). A generation's buckets are sets of
-- the ids' 64-bit hashes as integers (`fmt` = set: intset-encoded, 8 bytes per id, binary
-- search); generations written before that (no `fmt`) are hashes of the 8 raw bytes
-- (listpack, linear scan) and are still checked that way until they expire.
local ddPrefix, ddBuckets, ddSet = {}, {}, {}
for k = 1, ngens do
  local g = gen - k + 1
  local prefix = B .. 'dd:' .. g .. ':'
  local m = call('MGET', prefix .. 'nb', prefix .. 'fmt')
  local nb = tonumber(m[1] or '0')
  local isSet = m[2] == 'set'
  if nb == 0 and k == 1 then
    local before = tonumber(call('GET', B .. 'dd:' .. (g - 1) .. ':n') or '0')
    nb = nbuckets
    while nb * 100 < before and nb < 4194304 do nb = nb * 2 end
    call('SET', prefix .. 'nb', nb)
    call('SET', prefix .. 'fmt', 'set')
    isSet = true
  end
  if nb > 0 then
    ddPrefix[#ddPrefix + 1] = prefix
    ddBuckets[#ddBuckets + 1] = nb
    ddSet[#ddSet + 1] = isSet
  end
end
local ngensLive = #ddPrefix
local dups, tickers = {}, {}
local accepted = 0

local isDup = {}
local sub, byte, find = string.sub, string.byte, string.find
local mFrom = 1
for e = 0, n - 1 do
  local x = byte(hashes, e * 8 + 1) * 16777216 + byte(hashes, e * 8 + 2) * 65536 + byte(hashes, e * 8 + 3) * 256 + byte(hashes, e * 8 + 4)
  local comma = find(members, ',', mFrom, true)
  local mem = sub(members, mFrom, comma and comma - 1 or -1)
  if comma then mFrom = comma + 1 end
  local dup
  if ddSet[1] then dup = call('SADD', ddPrefix[1] .. (x % ddBuckets[1]), mem) == 0
  else dup = call('HSETNX', ddPrefix[1] .. (x % ddBuckets[1]), sub(hashes, e * 8 + 1, e * 8 + 8), '') == 0 end
  for g = 2, ngensLive do
    if dup then break end
    if ddSet[g] then dup = call('SISMEMBER', ddPrefix[g] .. (x % ddBuckets[g]), mem) == 1
    else dup = call('HEXISTS', ddPrefix[g] .. (x % ddBuckets[g]), sub(hashes, e * 8 + 1, e * 8 + 8)) == 1 end
  end
  if dup then
    dups[#dups + 1] = e
    isDup[e] = true
  else
    accepted = accepted + 1
    local i = e * FIELDS
    local t, org, member = F[i + 1], F[i + 2], F[i + 3]
    local per = periods[F[i + 4] + 1]
    local a, b, c, ts = F[i + 6], F[i + 7], F[i + 8], F[i + 9]
    if t == 's' then
      local day, month = per[1], per[2]
      local dk, ds = key('d:', day), sec('d:', day)
      add(dk, org, 4, 1, ttlDay, ds)
      add(dk, org, 1, tonumber(a), ttlDay, ds)
      add(dk, org, 5 + F[i + 5], 1, ttlDay, ds)
      learner(key('ld:', day), false, member, e)
      learner(key('lm:', month), true, member, e)
    elseif t == 'e' then
      local day = per[1]
      add(key('d:', day), org, 2, 1, ttlDay, sec('d:', day))
      if a == '1' then add(key('d:', day), org, 3, 1, ttlDay, sec('d:', day)) end
    elseif t == 'm' then
      local month, quarter = per[2], per[3]
      local mk, ms = key('m:', month), sec('m:', month)
      add(mk, org, 1, 1, ttlMonth, ms)
      add(mk, org, 2, tonumber(b), ttlMonth, ms)
      add(mk, org, 3, tonumber(c), ttlMonth, ms)
      add(mk, org, 4 + tonumber(a), 1, ttlMonth, ms)
      add(key('q:', quarter), org, tonumber(a), 1, ttlQuarter, sec('q:', quarter))
    elseif t == 'p' then
      local month = per[2]
      add(key('m:', month), org, 8, tonumber(a), ttlMonth, sec('m:', month))
    elseif t == 't' then
      local tx = B .. 'tx'
      local prev = call('HGET', tx, b)
      local nts = tonumber(ts)
      if not prev then
        call('HSET', tx, b, org .. SEP .. c .. SEP .. a .. SEP .. ts .. SEP .. ts)
      else
        local f = split(prev)
        local opened = f[5]
        if nts < tonumber(f[5]) then opened = ts end
        if nts > tonumber(f[4]) or (nts == tonumber(f[4]) and tonumber(a) > tonumber(f[3])) then
          call('HSET', tx, b, org .. SEP .. c .. SEP .. a .. SEP .. ts .. SEP .. opened)
        elseif opened ~= f[5] then
          call('HSET', tx, b, f[1] .. SEP .. f[2] .. SEP .. f[3] .. SEP .. f[4] .. SEP .. opened)
        end
      end
      sections['tx'] = true
    elseif t == 'c' then
      local fl = B .. 'fl'
      local prev = call('HGET', fl, member)
      if (not prev) or tonumber(ts) >= tonumber(split(prev)[2]) then
        call('HSET', fl, member, org .. SEP .. ts .. SEP .. a)
        sections['fl'] = true
      end
    end
    if member ~= '' then
      -- latest event per member (first of equal ts), as an event index: no table per member
      local nts = tonumber(ts)
      local o = onlineTs[member]
      if not o then
        online[member], onlineTs[member] = e, nts
        onlineOrder[#onlineOrder + 1] = member
      elseif nts > o then
        online[member], onlineTs[member] = e, nts
      end
    end
  end
end
for j = 17, #ARGV, 2 do
  if not isDup[tonumber(ARGV[j])] then tickers[#tickers + 1] = ARGV[j + 1] end
end

if accepted == 0 then return dups end

-- distinct members: first sighting in the batch of a member not yet in the set counts
for setKey, l in pairs(learners) do
  local present = {}
  chunked('SMISMEMBER', setKey, l.order, 1, present)
  local fresh = {}
  for j, m in ipairs(l.order) do
    if present[j] == 0 then
      fresh[#fresh + 1] = m
      local i = l.first[m] * FIELDS
      local org, per = F[i + 2], periods[F[i + 4] + 1]
      if l.monthly then add(key('m:', per[2]), org, 0, 1, ttlMonth, sec('m:', per[2]))
      else add(key('d:', per[1]), org, 0, 1, ttlDay, sec('d:', per[1])) end
    end
  end
  if #fresh > 0 then chunked('SADD', setKey, fresh, 1) end
  call('EXPIRE', setKey, l.monthly and ttlMonth or ttlDay)
end

-- counters: one HMGET and one HSET per key
for k, orgs in pairs(inc) do
  local names, deltas = {}, {}
  for org, slots in pairs(orgs) do
    for slot, d in pairs(slots) do names[#names + 1] = org .. '|' .. slot; deltas[#deltas + 1] = d end
  end
  local cur = {}
  chunked('HMGET', k, names, 1, cur)
  local pairsList = {}
  for j, f in ipairs(names) do
    local v = (tonumber(cur[j]) or 0) + deltas[j]
    pairsList[#pairsList + 1] = f
    pairsList[#pairsList + 1] = (v == math.floor(v) and math.abs(v) < 1e15) and string.format('%d', v) or string.format('%.17g', v)
  end
  chunked('HSET', k, pairsList, 2)
  call('EXPIRE', k, ttl[k])
end

-- online: latest ts per member, org of that event. A member whose online entry is under the
-- same org (nearly all) needs no score read: ZADD GT keeps the later ts (CH counts changes).
-- Only a member new to `ono` or moved to another org reads its previous score.
if #onlineOrder > 0 then
  local on, ono = B .. 'on', B .. 'ono'
  local porgs = {}
  chunked('HMGET', ono, onlineOrder, 1, porgs)
  local same, olds, oldIdx = {}, {}, {}
  for j, m in ipairs(onlineOrder) do
    local i = online[m] * FIELDS
    local org = F[i + 2]
    local porg = porgs[j]
    if porg == org then
      same[#same + 1] = F[i + 9]
      same[#same + 1] = org .. SEP .. m
    elseif porg then
      olds[#olds + 1] = porg .. SEP .. m
      oldIdx[#olds] = j
    end
  end
  local pscore = {}
  if #olds > 0 then
    local got = {}
    chunked('ZMSCORE', on, olds, 1, got)
    for k, j in ipairs(oldIdx) do pscore[j] = got[k] end
  end
  local changed = 0
  for k = 1, #same, CHUNK * 2 do
    changed = changed + call('ZADD', on, 'GT', 'CH', unpack(same, k, math.min(k + CHUNK * 2 - 1, #same)))
  end
  local zadd, hset, zrem = {}, {}, {}
  for j, m in ipairs(onlineOrder) do
    local i = online[m] * FIELDS
    local org, ts = F[i + 2], F[i + 9]
    local porg = porgs[j]
    if porg ~= org then
      local ps = pscore[j]
      if (not ps) or onlineTs[m] > tonumber(ps) then
        if porg then zrem[#zrem + 1] = porg .. SEP .. m end
        hset[#hset + 1] = m; hset[#hset + 1] = org
        zadd[#zadd + 1] = ts; zadd[#zadd + 1] = org .. SEP .. m
      end
    end
  end
  if #zrem > 0 then chunked('ZREM', on, zrem, 1) end
  if #hset > 0 then chunked('HSET', ono, hset, 2) end
  if #zadd > 0 then chunked('ZADD', on, zadd, 2) end
  if #zadd > 0 or changed > 0 then sections['on'] = true end
  -- forget online records long past the window (bounded work per batch)
  local old = call('ZRANGEBYSCORE', on, '-inf', '(' .. onlineBefore, 'LIMIT', 0, 500)
  for _, m in ipairs(old) do
    local sep = string.find(m, SEP, 1, true)
    local mem = string.sub(m, sep + 1)
    if call('HGET', ono, mem) == string.sub(m, 1, sep - 1) then call('HDEL', ono, mem) end
    call('ZREM', on, m)
  end
end

if #tickers > 0 then
  chunked('LPUSH', B .. 'tk', tickers, 1)
  call('LTRIM', B .. 'tk', 0, tickerKeep - 1)
  sections['tk'] = true
end
-- one stream entry per batch: its events and which of them were duplicates (replay source)
local now = call('TIME')
local streamMinId = string.format('%d', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - replayMs)
call('XADD', B .. 'x', 'MINID', '~', streamMinId, '*', 'at', nowMs, 'dups', table.concat(dups, ','), 'events', ARGV[15])

local meta = B .. 'meta'
for s in pairs(sections) do call('HINCRBY', meta, s, 1) end
call('HINCRBY', meta, 'n', accepted)
call('INCRBY', ddPrefix[1] .. 'n', accepted)
call('INCR', B .. 'ver')
return dups
