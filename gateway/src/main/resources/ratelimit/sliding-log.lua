-- Sliding log: the time of every admitted request in a sorted set, oldest dropped as it leaves the window.
-- Exact (never more than L in any W ms); memory O(L) per key; O(log L) per request.
-- KEYS[1] the limit key; ARGV[1] limit L, ARGV[2] window W (ms), ARGV[3] a unique id for this request.
-- One member per request: it grants one permit at a time, whatever ARGV[4] (a lease) asks for.
-- Returns {allowed (1|0), remaining, ms until the window is empty, ms to wait before retrying}.
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

-- A request made exactly W ms ago has left the window.
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)

if count < limit then
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
  local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
  return {1, limit - count - 1, oldest + window - now, 0}
end
-- Full: the next slot frees when the oldest request leaves the window.
local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
local wait = oldest + window - now
return {0, 0, wait, wait}
