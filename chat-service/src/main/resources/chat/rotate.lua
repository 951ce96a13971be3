-- Starts a new epoch for a room whose history went backwards (its seq is below what clients or a
-- node already saw: Redis lost writes). Only if the epoch is still the one the caller saw, so two
-- nodes noticing at once make one new epoch. KEYS: epoch   ARGV: epoch seen, new epoch
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
end
return redis.call('GET', KEYS[1])
