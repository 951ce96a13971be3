-- Read receipts only move forward: an ack older than the one recorded (acks can arrive out of
-- order, from two tabs or a replay) changes nothing. Returns the recorded seq.
-- KEYS: receipts   ARGV: user, seq
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local seq = tonumber(ARGV[2])
if seq > current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return seq
end
return current
