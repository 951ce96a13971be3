-- Token bucket: capacity L tokens, refilled at L per W ms; a request takes one token.
-- Allows bursts of up to L, then L per W on average. Memory O(1) per key; 1 round trip.
-- KEYS[1] the limit key; ARGV[1] capacity L, ARGV[2] refill period W (ms) for L tokens, ARGV[4] tokens
-- wanted (a lease; default 1).
-- Returns {tokens granted (0 when refused, up to the tokens wanted), tokens left, ms until the bucket
-- is full, ms to wait before retrying}.
local key = KEYS[1]
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wanted = tonumber(ARGV[4]) or 1
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local rate = capacity / window -- tokens per ms

local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)

local allowed, wait = 0, 0
if tokens >= 1 then
  allowed = math.min(wanted, math.floor(tokens))
  tokens = tokens - allowed
else
  wait = math.ceil((1 - tokens) / rate)
end
-- Fractions of a token are kept as a string: Lua numbers returned to Redis would be truncated.
redis.call('HSET', key, 'tokens', string.format('%.6f', tokens), 'at', now)
local full = math.ceil((capacity - tokens) / rate)
redis.call('PEXPIRE', key, math.max(full, 1))
return {allowed, math.floor(tokens), full, wait}
