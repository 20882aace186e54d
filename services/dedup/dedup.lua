-- One dedup verdict, decided and recorded atomically (see services/dedup/index.py).
-- KEYS[1]  record of this article        (prefix .. "a:" .. id)
-- KEYS[2]  exact key of its text          -> id of the first article with that text
-- KEYS[3..] one bucket per LSH band       -> msgpack array of up to `cap` ids
-- ARGV: id, signature (NUM_PERM little-endian uint16, "" for an empty text),
--       min_matches, ttl_seconds, record key prefix, cap, num_perm, epoch key, epoch value
-- A record is msgpack(status code, first-seen id, equal signature values, signature).
-- Returns {status code, first-seen id, equal signature values}.
local id, sig = ARGV[1], ARGV[2]
local min_matches, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
local record_prefix, cap, num_perm = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])

-- The index's epoch marker (ARGV[8] key, ARGV[9] value) vanishes with the index when Redis
-- loses its data: then no verdict is given, since "unique" would be a guess.
if redis.call('GET', ARGV[8]) ~= ARGV[9] then
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

local first = redis.call('GET', KEYS[2])
if first then
  local first_key = record_prefix .. first
  local original = redis.call('GET', first_key)
  local root = original and select(2, cmsgpack.unpack(original))
  -- the root may be this very article, re-delivered after its own record expired: never its own copy
  if original and root ~= id then
    redis.call('SET', KEYS[1], cmsgpack.pack('d', root, num_perm, ''), 'EX', ttl)
    redis.call('EXPIRE', KEYS[2], ttl)
    redis.call('EXPIRE', first_key, ttl)
    for i = 3, #KEYS do redis.call('EXPIRE', KEYS[i], ttl) end
    return {'d', root, num_perm}
  end
end

local mine = {string.byte(sig, 1, -1)}
local n_bytes = #mine
local best, best_root = -1, nil
local alive = {}
local live_per_band = {}
for i = 3, #KEYS do
  local raw = redis.call('GET', KEYS[i])
  local live = {}
  if raw then
    for _, cid in ipairs(cmsgpack.unpack(raw)) do
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
  live_per_band[i] = live
end

local code, root, matches
if best >= min_matches then
  code, root, matches = 'n', best_root, best
else
  code, root, matches = 'u', id, math.max(best, 0)
end
redis.call('SET', KEYS[1], cmsgpack.pack(code, root, matches, sig), 'EX', ttl)
redis.call('SET', KEYS[2], id, 'EX', ttl)  -- free, or naming an article no longer held
for i = 3, #KEYS do
  local live = live_per_band[i]
  if #live < cap then live[#live + 1] = id end
  redis.call('SET', KEYS[i], cmsgpack.pack(live), 'EX', ttl)
end
return {code, root, matches}
