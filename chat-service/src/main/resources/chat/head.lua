-- A room's newest seq and its epoch, making the epoch if the room has none yet (first use, or
-- Redis came back empty): readers and writers agree on one epoch per life of the room's history.
-- KEYS: seq, epoch   ARGV: new epoch
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[2], epoch)
end
local seq = redis.call('GET', KEYS[1]) or '0'
return {seq, epoch}
