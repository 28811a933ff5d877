-- RedisStore ingest: dedupe and every aggregate update of one slot group of a batch (the
-- events of one county), atomically, in one EVALSHA. The script knows no event type, table or slot: Node (encode.ts) turns each event
-- into generic ops (aggregate/effects.ts) against a key table, and this applies them. Per
-- event only the dedupe check touches Redis (SADD + SISMEMBER); counters, distinct-member
-- sets, records and online entries are gathered in Lua tables and written once per key per
-- batch (HMGET+HSET, SMISMEMBER+SADD, HMGET+HSET, ZADD). Contract: server/store/README.md
--   KEYS[1] = the county's key base "{prefix:CCCCCC}:" (every key written starts with it: one
--            hash slot)
--   KEYS[2] = (optional, single Redis only) "{prefix}:": layout-2 dedupe generations still
--            checked (read-only) after a conversion, until they are swept
--   ARGV[1..8] gen, generations to check, initial buckets, replay window ms, online trim
--            bound ms, event count, ticker size, now ms
--   ARGV[9]  hashes: 8 raw bytes of hash64(id) per event, concatenated
--   ARGV[10] dedupe members: per event hash64(id) as a signed 64-bit decimal, ','-separated
--   ARGV[11] keys: JSON flat [name, ttl s (0: none)]; ops name keys by 0-based index
--   ARGV[12] templates: JSON array of flat op lists (0-based from the header):
--            1 key slot: count (value: delta) | 2 set key slot: distinct member, first
--            sighting adds 1 | 3 hash tie: record (values: key order min fields) | 4: seen
--   ARGV[13] header: JSON flat [org, member, ts (number, ms), template] per event
--   ARGV[14] values: JSON flat, the ops' values in event and op order
--   ARGV[15] the batch's masked events as one JSON array (goes to the stream with the dups)
--   ARGV[16..] ticker items: pairs of event index and item JSON
-- Returns the 0-based indexes of the duplicates.
local B = KEYS[1]
local legacy = KEYS[2]
local gen = tonumber(ARGV[1])
local ngens = tonumber(ARGV[2])
local nbuckets = tonumber(ARGV[3])
local replayMs = tonumber(ARGV[4])
local onlineBefore = ARGV[5]
local nEvents = tonumber(ARGV[6])
local tickerKeep = tonumber(ARGV[7])
local nowMs = ARGV[8]
local hashes = ARGV[9] or ''
local members = ARGV[10] or ''
local MALFORMED = 'ERR zhdj ingest: malformed batch'
local okJson, KT, T, H, V = pcall(function()
  return cjson.decode(ARGV[11]), cjson.decode(ARGV[12]), cjson.decode(ARGV[13]), cjson.decode(ARGV[14])
end)
local n = #hashes / 8
local _, commas = string.gsub(members, ',', '')
if not okJson or type(KT) ~= 'table' or type(T) ~= 'table' or type(H) ~= 'table' or type(V) ~= 'table'
  or n ~= nEvents or n < 1 or commas ~= n - 1 or #members < 2 * n - 1 or #H ~= 4 * n or #KT % 2 ~= 0 then
  return redis.error_reply(MALFORMED)
end

-- the key table: full names, TTLs, section names (the key name is its change counter in meta)
local nkeys = #KT / 2
local keyOf, ttlOf, secOf = {}, {}, {}
for k = 0, nkeys - 1 do
  local name, ttl = KT[2 * k + 1], tonumber(KT[2 * k + 2])
  if type(name) ~= 'string' or not ttl then return redis.error_reply(MALFORMED) end
  keyOf[k], ttlOf[k], secOf[k] = B .. name, ttl, name
end
local function isKey(k) return type(k) == 'number' and k >= 0 and k < nkeys and k == math.floor(k) end
-- templates: check every op, count the values an event of each consumes
local ARITY, VALUES = { 3, 4, 3, 1 }, { 1, 0, 4, 0 }
local nvals = {}
for t = 1, #T do
  local tp, j, nv = T[t], 1, 0
  if type(tp) ~= 'table' then return redis.error_reply(MALFORMED) end
  while j <= #tp do
    local op = tp[j]
    local ar = ARITY[op]
    if not ar or j + ar - 1 > #tp then return redis.error_reply(MALFORMED) end
    if op ~= 4 and not isKey(tp[j + 1]) then return redis.error_reply(MALFORMED) end
    if op == 2 and not isKey(tp[j + 2]) then return redis.error_reply(MALFORMED) end
    nv = nv + VALUES[op]
    j = j + ar
  end
  nvals[t - 1] = nv
end
local totalValues = 0
for e = 0, n - 1 do
  local nv = nvals[H[4 * e + 4]]
  if not nv or type(H[4 * e + 1]) ~= 'string' or type(H[4 * e + 2]) ~= 'string' or not tonumber(H[4 * e + 3]) then
    return redis.error_reply(MALFORMED)
  end
  totalValues = totalValues + nv
end
if totalValues ~= #V then return redis.error_reply(MALFORMED) end

local SEP = '\031'
local call = redis.call
local CHUNK = 2000
local sub, byte, find = string.sub, string.byte, string.find

-- call(cmd, key, ...list) in chunks of CHUNK list items (Lua's unpack limit is ~8000)
local function chunked(cmd, key, list, per, collect)
  for i = 1, #list, CHUNK * per do
    local r = call(cmd, key, unpack(list, i, math.min(i + CHUNK * per - 1, #list)))
    if collect then for _, v in ipairs(r) do collect[#collect + 1] = v end end
  end
end

-- counters: inc[key][org][slot] = delta; field names `${org}|${slot}` are built once at flush
local inc, sections = {}, {}
local function add(k, org, slot, d)
  local t = inc[k]
  if not t then t = {}; inc[k] = t; sections[secOf[k]] = true end
  local r = t[org]
  if not r then r = {}; t[org] = r end
  r[slot] = (r[slot] or 0) + d
end
-- distinct sets: per set key the members in first-seen order, with the counter each one's
-- first sighting adds to (key, slot, org of that event)
local dsets = {}
local function distinct(s, member, k, slot, org)
  local l = dsets[s]
  if not l then l = { seen = {}, order = {}, key = {}, slot = {}, org = {} }; dsets[s] = l end
  if not l.seen[member] then
    l.seen[member] = true
    local i = #l.order + 1
    l.order[i], l.key[i], l.slot[i], l.org[i] = member, k, slot, org
  end
end
-- records: per hash the updates in event order (merged after one HMGET of their keys)
local recs = {}
local function record(h, tie, rkey, order, min, payload)
  local r = recs[h]
  if not r then r = { tie = tie == 1, keys = {}, order = {}, min = {}, payload = {} }; recs[h] = r end
  local i = #r.keys + 1
  r.keys[i], r.order[i], r.min[i], r.payload[i] = rkey, order, min, payload
end
-- online: the latest event per member (first of equal ts), as an event index
local online, onlineTs, onlineOrder = {}, {}, {}
local function seen(member, e)
  local nts = tonumber(H[4 * e + 3])
  local o = onlineTs[member]
  if not o then
    online[member], onlineTs[member] = e, nts
    onlineOrder[#onlineOrder + 1] = member
  elseif nts > o then
    online[member], onlineTs[member] = e, nts
  end
end

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
-- dedupe generations of layout 2 (every county's ids in one set): checked, never written
if legacy then
  for k = 1, ngens do
    local prefix = legacy .. 'dd:' .. (gen - k + 1) .. ':'
    local m = call('MGET', prefix .. 'nb', prefix .. 'fmt')
    local nb = tonumber(m[1] or '0')
    if nb > 0 then
      ddPrefix[#ddPrefix + 1] = prefix
      ddBuckets[#ddBuckets + 1] = nb
      ddSet[#ddSet + 1] = m[2] == 'set'
    end
  end
end
local ngensLive = #ddPrefix
local dups, tickers = {}, {}
local accepted = 0

local isDup = {}
local mFrom = 1
local v = 1 -- cursor into V
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
  local h = 4 * e
  local t = H[h + 4]
  if dup then
    dups[#dups + 1] = e
    isDup[e] = true
    v = v + nvals[t]
  else
    accepted = accepted + 1
    local org, member = H[h + 1], H[h + 2]
    local tp = T[t + 1]
    local j, len = 1, #tp
    while j <= len do
      local op = tp[j]
      if op == 1 then
        add(tp[j + 1], org, tp[j + 2], V[v])
        v = v + 1
        j = j + 3
      elseif op == 2 then
        distinct(tp[j + 1], member, tp[j + 2], tp[j + 3], org)
        j = j + 4
      elseif op == 3 then
        record(tp[j + 1], tp[j + 2], V[v], V[v + 1], V[v + 2], V[v + 3])
        v = v + 4
        j = j + 3
      else
        seen(member, e)
        j = j + 1
      end
    end
  end
end
for j = 16, #ARGV, 2 do
  if not isDup[tonumber(ARGV[j])] then tickers[#tickers + 1] = ARGV[j + 1] end
end

if accepted == 0 then return dups end

-- distinct members: first sighting in the batch of a member not yet in the set counts
for s, l in pairs(dsets) do
  local present = {}
  chunked('SMISMEMBER', keyOf[s], l.order, 1, present)
  local fresh = {}
  for j, m in ipairs(l.order) do
    if present[j] == 0 then
      fresh[#fresh + 1] = m
      add(l.key[j], l.org[j], l.slot[j], 1)
    end
  end
  if #fresh > 0 then chunked('SADD', keyOf[s], fresh, 1) end
  if ttlOf[s] > 0 then call('EXPIRE', keyOf[s], ttlOf[s]) end
end

-- records `order␟min␟fields`: the higher order wins (tie: an equal one too), min keeps the
-- smallest. A stored value that does not parse (no numeric order) counts as absent.
for hk, r in pairs(recs) do
  local uniq, cur = {}, {}
  for _, k in ipairs(r.keys) do
    if cur[k] == nil then cur[k] = false; uniq[#uniq + 1] = k end
  end
  local stored = {}
  chunked('HMGET', keyOf[hk], uniq, 1, stored)
  local curO = {}
  for j, k in ipairs(uniq) do
    local s = stored[j]
    if s then
      local a = find(s, SEP, 1, true)
      local b = a and find(s, SEP, a + 1, true)
      local o = b and tonumber(sub(s, 1, a - 1))
      if o then cur[k] = { sub(s, 1, a - 1), sub(s, a + 1, b - 1), sub(s, b + 1) }; curO[k] = o end
    end
  end
  local changed = {}
  for i, k in ipairs(r.keys) do
    local no, nmin = tonumber(r.order[i]), r.min[i]
    local c = cur[k]
    if not c then
      cur[k], curO[k] = { r.order[i], nmin, r.payload[i] }, no
      changed[k] = true
    else
      local po = curO[k]
      local low = c[2]
      if nmin ~= '' and (low == '' or tonumber(nmin) < tonumber(low)) then low = nmin end
      if no > po or (r.tie and no == po) then
        cur[k], curO[k] = { r.order[i], low, r.payload[i] }, no
        changed[k] = true
      elseif low ~= c[2] then
        cur[k] = { c[1], low, c[3] }
        changed[k] = true
      end
    end
  end
  local out = {}
  for _, k in ipairs(uniq) do
    if changed[k] then
      local c = cur[k]
      out[#out + 1] = k
      out[#out + 1] = c[1] .. SEP .. c[2] .. SEP .. c[3]
    end
  end
  if #out > 0 then
    chunked('HSET', keyOf[hk], out, 2)
    sections[secOf[hk]] = true
  end
end

-- counters: one HMGET and one HSET per key
for k, orgs in pairs(inc) do
  local names, deltas = {}, {}
  for org, slots in pairs(orgs) do
    for slot, d in pairs(slots) do names[#names + 1] = org .. '|' .. slot; deltas[#deltas + 1] = d end
  end
  local cur = {}
  chunked('HMGET', keyOf[k], names, 1, cur)
  local pairsList = {}
  for j, f in ipairs(names) do
    local val = (tonumber(cur[j]) or 0) + deltas[j]
    pairsList[#pairsList + 1] = f
    pairsList[#pairsList + 1] = (val == math.floor(val) and math.abs(val) < 1e15) and string.format('%d', val) or string.format('%.17g', val)
  end
  chunked('HSET', keyOf[k], pairsList, 2)
  if ttlOf[k] > 0 then call('EXPIRE', keyOf[k], ttlOf[k]) end
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
    local h = 4 * online[m]
    local org = H[h + 1]
    local porg = porgs[j]
    if porg == org then
      same[#same + 1] = H[h + 3]
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
    local h = 4 * online[m]
    local org, ts = H[h + 1], H[h + 3]
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
