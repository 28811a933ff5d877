-- RedisStore ingest: dedupe and every aggregate update of one batch, atomically, in one
-- EVALSHA. Contract (see server/store/README.md):
--   KEYS[1] = key base "{prefix}:" (every key below starts with it: one hash slot)
--   ARGV[1..12] header, then STRIDE args per event (encode.ts builds them):
--   h(8 raw bytes of hash64(id)) type org member day month quarter hour a b c ts tickerJson rawJson
--   type: s study (a minutes) | e exam (a passed 1/0) | m meeting (a kind index, b attendees,
--   c expected) | t transfer (a stage index, b case id, c dest) | c checkin (a H3 cell) |
--   p points (a points) | a active
-- Returns the 0-based indexes of the duplicates.
local B = KEYS[1]
local now = ARGV[1]
local gen = tonumber(ARGV[2])
local ngens = tonumber(ARGV[3])
local nbuckets = tonumber(ARGV[4])
local dedupeExpireAt = ARGV[5]
local ttlDay, ttlMonth, ttlQuarter = ARGV[6], ARGV[7], ARGV[8]
local streamMinId = ARGV[9]
local onlineBefore = ARGV[10]
local STRIDE = tonumber(ARGV[11])
local tickerKeep = tonumber(ARGV[12])
local HDR = 12
local SEP = '\031'
local call = redis.call

local dups = {}
local touched = {}   -- key -> ttl
local sections = {}  -- meta field -> true
local accepted = 0
local tickers = 0

local function split(s)
  local out, from = {}, 1
  while true do
    local at = string.find(s, SEP, from, true)
    if not at then out[#out + 1] = string.sub(s, from) return out end
    out[#out + 1] = string.sub(s, from, at - 1)
    from = at + 1
  end
end

for i = HDR + 1, #ARGV, STRIDE do
  local h = ARGV[i]
  local bucket = (string.byte(h, 1) * 16777216 + string.byte(h, 2) * 65536 + string.byte(h, 3) * 256 + string.byte(h, 4)) % nbuckets
  local dup = false
  for g = gen, gen - ngens + 1, -1 do
    if call('HEXISTS', B .. 'dd:' .. g .. ':' .. bucket, h) == 1 then dup = true break end
  end
  if dup then
    dups[#dups + 1] = (i - HDR - 1) / STRIDE
  else
    local dk = B .. 'dd:' .. gen .. ':' .. bucket
    call('HSET', dk, h, '')
    if call('HLEN', dk) == 1 then call('EXPIREAT', dk, dedupeExpireAt) end
    accepted = accepted + 1
    local t, org, member = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
    local day, month, quarter, hour = ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7]
    local a, b, c, ts = ARGV[i + 8], ARGV[i + 9], ARGV[i + 10], ARGV[i + 11]
    local p = org .. '|'
    if t == 's' then
      local dk2 = B .. 'd:' .. day
      call('HINCRBY', dk2, p .. '4', 1)
      call('HINCRBYFLOAT', dk2, p .. '1', a)
      call('HINCRBY', dk2, p .. (5 + tonumber(hour)), 1)
      local ld = B .. 'ld:' .. day
      if call('SADD', ld, member) == 1 then call('HINCRBY', dk2, p .. '0', 1) end
      local lm = B .. 'lm:' .. month
      if call('SADD', lm, member) == 1 then
        call('HINCRBY', B .. 'm:' .. month, p .. '0', 1)
        touched[B .. 'm:' .. month] = ttlMonth
        sections['m:' .. month] = true
      end
      touched[dk2] = ttlDay; touched[ld] = ttlDay; touched[lm] = ttlMonth
      sections['d:' .. day] = true
    elseif t == 'e' then
      local dk2 = B .. 'd:' .. day
      call('HINCRBY', dk2, p .. '2', 1)
      if a == '1' then call('HINCRBY', dk2, p .. '3', 1) end
      touched[dk2] = ttlDay
      sections['d:' .. day] = true
    elseif t == 'm' then
      local mk, qk = B .. 'm:' .. month, B .. 'q:' .. quarter
      call('HINCRBY', mk, p .. '1', 1)
      call('HINCRBY', mk, p .. '2', b)
      call('HINCRBY', mk, p .. '3', c)
      call('HINCRBY', mk, p .. (4 + tonumber(a)), 1)
      call('HINCRBY', qk, p .. a, 1)
      touched[mk] = ttlMonth; touched[qk] = ttlQuarter
      sections['m:' .. month] = true; sections['q:' .. quarter] = true
    elseif t == 'p' then
      local mk = B .. 'm:' .. month
      call('HINCRBY', mk, p .. '8', a)
      touched[mk] = ttlMonth
      sections['m:' .. month] = true
    elseif t == 't' then
      local tx = B .. 'tx'
      local prev = call('HGET', tx, b)
      local nts = tonumber(ts)
      if not prev then
        call('HSET', tx, b, org .. SEP .. c .. SEP .. a .. SEP .. ts .. SEP .. ts)
      else
        local f = split(prev)
        local pts, pstage, popened = tonumber(f[4]), tonumber(f[3]), tonumber(f[5])
        local opened = f[5]
        if nts < popened then opened = ts end
        if nts > pts or (nts == pts and tonumber(a) > pstage) then
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
      local on, ono = B .. 'on', B .. 'ono'
      local porg = call('HGET', ono, member)
      local pscore = porg and call('ZSCORE', on, porg .. SEP .. member)
      if (not pscore) or tonumber(ts) > tonumber(pscore) then
        if porg and porg ~= org then call('ZREM', on, porg .. SEP .. member) end
        if porg ~= org then call('HSET', ono, member, org) end
        call('ZADD', on, ts, org .. SEP .. member)
        sections['on'] = true
      end
    end
    if ARGV[i + 12] ~= '' then
      call('LPUSH', B .. 'tk', ARGV[i + 12])
      tickers = tickers + 1
    end
    call('XADD', B .. 'x', '*', 'e', ARGV[i + 13])
  end
end

if accepted > 0 then
  for k, ttl in pairs(touched) do call('EXPIRE', k, ttl) end
  local meta = B .. 'meta'
  for s in pairs(sections) do call('HINCRBY', meta, s, 1) end
  call('HINCRBY', meta, 'n', accepted)
  if tickers > 0 then
    call('LTRIM', B .. 'tk', 0, tickerKeep - 1)
    call('HINCRBY', meta, 'tk', 1)
  end
  call('XTRIM', B .. 'x', 'MINID', '~', streamMinId)
  call('INCR', B .. 'ver')
  -- forget online records long past the window (bounded work per batch)
  local old = call('ZRANGEBYSCORE', B .. 'on', '-inf', '(' .. onlineBefore, 'LIMIT', 0, 500)
  for _, m in ipairs(old) do
    local sep = string.find(m, SEP, 1, true)
    local mem = string.sub(m, sep + 1)
    if call('HGET', B .. 'ono', mem) == string.sub(m, 1, sep - 1) then call('HDEL', B .. 'ono', mem) end
    call('ZREM', B .. 'on', m)
  end
end
return dups
