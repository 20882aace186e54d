-- One dedup verdict, decided and recorded atomically (see services/dedup/index.py).
-- KEYS[1]  record of this article (prefix .. "a:" .. handle): msgpack(status code, first-seen id,
--          equal signature values, signature)
-- ARGV: 1 id, 2 handle (8 bytes naming the id), 3 signature (NUM_PERM little-endian uint16, ""
--       for an empty text), 4 min_matches, 5 ttl_seconds, 6 key prefix, 7 cap, 8 num_perm,
--       9 epoch key, 10 epoch value, 11 slices per retention, 12 shards per slice,
--       13 exact key (16 bytes), 14.. one 8-byte hash per LSH band
-- Returns {status code, first-seen id, equal signature values}.
--
-- Compact layout: the exact key and the band buckets are fields of small hashes (Redis keeps a
-- hash of up to 128 short fields as one listpack, a few bytes per field instead of ~160 bytes
-- per key). A field is written to the hash of the current time slice (retention / slices long)
-- and moved there when touched; a slice's hashes expire `slices + 1` slices after it began, so a
-- field outlives every record it names. Reads look at the current and the `slices` previous ones.
-- Bucket values are concatenated 8-byte handles; a handle leads to its record.
local id, handle, sig = ARGV[1], ARGV[2], ARGV[3]
local min_matches, ttl = tonumber(ARGV[4]), tonumber(ARGV[5])
local prefix, cap, num_perm = ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])
local slices, shards = tonumber(ARGV[11]), tonumber(ARGV[12])
local exact = ARGV[13]

-- The index's epoch marker (ARGV[9] key, ARGV[10] value) vanishes with the index when Redis
-- loses its data: then no verdict is given, since "unique" would be a guess.
if redis.call('GET', ARGV[9]) ~= ARGV[10] then
  return redis.error_reply('NEWSFLOW_STATE_LOST dedup index epoch marker is missing or changed')
end

local known = redis.call('GET', KEYS[1])
if known then
  local code, root, matches = cmsgpack.unpack(known)
  return {code, root, matches}
end

if sig == '' then
  redis.call('SET', KEYS[1], cmsgpack.pack('u', id, 0, ''), 'EX', ttl)
  return {'u', id, 0}
end

local t = redis.call('TIME')
local slice_ms = math.max(1, math.floor(ttl * 1000 / slices))
local now = math.floor((tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) / slice_ms)
local expire_at = string.format('%.0f', (now + slices + 1) * slice_ms)

-- A band hash (8 bytes) picks its hash by its first 4 bytes and is stored as the other 4 (a rare
-- clash of two bands only adds a candidate, which the signature check then judges); the exact
-- key (16 bytes) is stored whole, since a clash there would be a wrong verdict.
local function locate(slice, key)
  local b1, b2, b3, b4 = string.byte(key, 1, 4)
  local shard = ((b1 * 16777216) + (b2 * 65536) + (b3 * 256) + b4) % shards
  local field = key
  if #key == 8 then field = string.sub(key, 5, 8) end
  return prefix .. 'h:' .. string.format('%.0f', slice) .. ':' .. shard, field
end

local function find(key)  -- the key's value and the slice holding it, newest first
  for s = now, now - slices, -1 do
    local v = redis.call('HGET', locate(s, key))
    if v then return v, s end
  end
  return nil, nil
end

local function put(key, value, old_slice)  -- write into the current slice, dropping an older copy
  local hash, field = locate(now, key)
  redis.call('HSET', hash, field, value)
  redis.call('PEXPIREAT', hash, expire_at)
  if old_slice and old_slice ~= now then redis.call('HDEL', locate(old_slice, key)) end
end

local record_prefix = prefix .. 'a:'
local n_bands = #ARGV - 13

local first, first_slice = find(exact)
if first then
  local first_key = record_prefix .. first
  local original = redis.call('GET', first_key)
  local root = original and select(2, cmsgpack.unpack(original))
  -- the root may be this very article, re-delivered after its own record expired: never its own copy
  if original and root ~= id then
    redis.call('SET', KEYS[1], cmsgpack.pack('d', root, num_perm, ''), 'EX', ttl)
    put(exact, first, first_slice)
    redis.call('EXPIRE', first_key, ttl)
    for i = 14, 13 + n_bands do
      local v, s = find(ARGV[i])
      if v then put(ARGV[i], v, s) end
    end
    return {'d', root, num_perm}
  end
end

local mine = {string.byte(sig, 1, -1)}
local n_bytes = #mine
local best, best_root = -1, nil
local alive = {}
local buckets = {}
for i = 14, 13 + n_bands do
  local raw, slice = find(ARGV[i])
  local live = {}
  if raw then
    for p = 1, #raw, 8 do
      local cid = string.sub(raw, p, p + 7)
      local is_alive = alive[cid]
      if is_alive == nil then
        local rec = redis.call('GET', record_prefix .. cid)
        is_alive = rec ~= false
        alive[cid] = is_alive
        if is_alive then
          local _, root, _, other = cmsgpack.unpack(rec)
          if #other == n_bytes then
            local theirs = {string.byte(other, 1, -1)}
            local m = 0
            for j = 1, n_bytes, 2 do
              if mine[j] == theirs[j] and mine[j + 1] == theirs[j + 1] then m = m + 1 end
            end
            if m > best and root ~= id then best, best_root = m, root end
          end
        end
      end
      if is_alive then live[#live + 1] = cid end
    end
  end
  buckets[i] = {live, slice}
end

local code, root, matches
if best >= min_matches then
  code, root, matches = 'n', best_root, best
else
  code, root, matches = 'u', id, math.max(best, 0)
end
redis.call('SET', KEYS[1], cmsgpack.pack(code, root, matches, sig), 'EX', ttl)
put(exact, handle, first_slice)  -- free, or naming an article no longer held
for i = 14, 13 + n_bands do
  local live, slice = buckets[i][1], buckets[i][2]
  if #live < cap then live[#live + 1] = handle end
  put(ARGV[i], table.concat(live), slice)
end
return {code, root, matches}
