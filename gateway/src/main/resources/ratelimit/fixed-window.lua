-- Fixed window: one counter per aligned window of W ms. One hash per key: {w = window index, n = count}.
-- Memory O(1) per key; 1 round trip; allows up to 2L in W across a window edge.
-- KEYS[1] the limit key; ARGV[1] limit L, ARGV[2] window W (ms), ARGV[4] permits wanted (a lease; default 1).
-- Returns {permits granted (0 when refused, up to the permits wanted), remaining, ms until the window
-- resets, ms to wait before retrying}.
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wanted = tonumber(ARGV[4]) or 1
-- Redis' clock, not the gateway's: every gateway instance sees the same windows.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local index = math.floor(now / window)
local reset = (index + 1) * window - now
local state = redis.call('HMGET', key, 'w', 'n')
local count = 0
if tonumber(state[1]) == index then
  count = tonumber(state[2])
end

if count < limit then
  local granted = math.min(wanted, limit - count)
  count = count + granted
  redis.call('HSET', key, 'w', index, 'n', count)
  redis.call('PEXPIRE', key, reset)
  return {granted, limit - count, reset, 0}
end
return {0, 0, reset, reset}
