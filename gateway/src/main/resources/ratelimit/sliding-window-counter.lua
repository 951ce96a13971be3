-- Sliding-window counter: the current and the previous aligned window's counts, the previous one weighted
-- by how much of it the sliding window still covers: estimate = previous * (W - elapsed) / W + current.
-- Memory O(1) per key; 1 round trip; exact when requests are spread evenly over the previous window.
-- KEYS[1] the limit key; ARGV[1] limit L, ARGV[2] window W (ms), ARGV[4] permits wanted (a lease; default 1).
-- Returns {permits granted (0 when refused, up to the permits wanted), remaining, ms until the current
-- window ends, ms to wait before retrying}.
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wanted = tonumber(ARGV[4]) or 1
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local index = math.floor(now / window)
local elapsed = now - index * window
local state = redis.call('HMGET', key, 'w', 'current', 'previous')
local stored = tonumber(state[1])
local current, previous = 0, 0
if stored == index then
  current, previous = tonumber(state[2]), tonumber(state[3])
elseif stored == index - 1 then
  previous = tonumber(state[2])
end

local weight = (window - elapsed) / window
if previous * weight + current + 1 <= limit then
  local granted = math.min(wanted, math.floor(limit - previous * weight - current))
  current = current + granted
  redis.call('HSET', key, 'w', index, 'current', current, 'previous', previous)
  redis.call('PEXPIRE', key, 2 * window - elapsed)
  return {granted, math.floor(limit - previous * weight - current), window - elapsed, 0}
end

-- When will previous * (W - e) / W + current + 1 <= L hold?
local wait
if current + 1 > limit then
  -- Not in this window: in the next one, this window's count is the weighted one.
  wait = (window - elapsed) + math.ceil(window * (1 - (limit - 1) / current))
else
  wait = math.ceil(window - (limit - current - 1) * window / previous) - elapsed
end
return {0, 0, window - elapsed, math.max(wait, 1)}
