-- Posts one message to a room in one atomic step: the epoch (made on the room's first post, or
-- again after Redis lost everything), the dedupe check, the seq, the history entry, the trim and
-- the dedupe entry. Either all of it happens or none of it, so a "sent" always names a stored
-- message and a retry can never take a second seq.
-- KEYS: seq, history, epoch, dedupe
-- ARGV: new epoch, retention, frame body after the seq, msgId, dedupe TTL (s), dedupe on (1/0)
local epoch = redis.call('GET', KEYS[3])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[3], epoch)
end
if ARGV[6] == '1' then
  local prior = redis.call('GET', KEYS[4])
  if prior then
    local sep = string.find(prior, ':', 1, true)
    return {string.sub(prior, 1, sep - 1), string.sub(prior, sep + 1), epoch, '1', ''}
  end
end
local seq = redis.call('INCR', KEYS[1])
local frame = '{"type":"message","seq":' .. seq .. ',' .. ARGV[3]
redis.call('ZADD', KEYS[2], seq, frame)
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[2])
if excess > 0 then
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
end
if ARGV[6] == '1' then
  redis.call('SET', KEYS[4], seq .. ':' .. ARGV[4], 'EX', ARGV[5])
end
return {tostring(seq), ARGV[4], epoch, '0', frame}
