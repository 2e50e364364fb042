/**
 * @module broker/redis-scripts
 * The Redis broker's Lua: each runs atomically in Redis, which is what makes "append to history, move the position
 * and deliver" one step per channel across every node.
 *
 * Keys of a channel C (prefix P): `P.stream.C` a STREAM whose entry ids are the offsets (`N-0`), fields `d` (data as
 * JSON text), `m` (metadata JSON: time, info, tags), `x` (unix ms when the entry leaves history); `P.meta.C` a hash
 * with `e` (epoch) and `s` (top offset). A missing meta hash means the stream's storage was lost: a new epoch is
 * taken (the caller passes a fresh random one) and any leftover stream is dropped, so offsets restart at 1.
 */
import { LuaScript } from './redis-connection.ts';

const ENSURE_EPOCH = `
local epoch = redis.call('hget', KEYS[2], 'e')
if not epoch then
  epoch = ARGV[1]
  redis.call('del', KEYS[1])
  redis.call('hset', KEYS[2], 'e', epoch)
  if tonumber(ARGV[2]) > 0 then redis.call('expire', KEYS[2], ARGV[2]) end
end
`;

/**
 * KEYS: stream, meta. ARGV: new epoch, meta TTL s, data, metadata, history size, history TTL s, expires-at ms, topic.
 * Returns {offset, epoch}; PUBLISHes `p<offset>\n<epoch>\n<metadata>\n<data>` to the topic.
 */
export const PUBLISH = new LuaScript(
  `${ENSURE_EPOCH}
local offset = redis.call('hincrby', KEYS[2], 's', 1)
if tonumber(ARGV[2]) > 0 then redis.call('expire', KEYS[2], ARGV[2]) end
redis.call('xadd', KEYS[1], 'MAXLEN', ARGV[5], string.format('%d', offset), 'd', ARGV[3], 'm', ARGV[4], 'x', ARGV[7])
redis.call('expire', KEYS[1], ARGV[6])
redis.call('publish', ARGV[8], 'p' .. string.format('%d', offset) .. '\\n' .. epoch .. '\\n' .. ARGV[4] .. '\\n' .. ARGV[3])
return {offset, epoch}
`,
  2,
);

/**
 * KEYS: stream, meta. ARGV: new epoch, meta TTL s, now ms, limit (-1 all, 0 none), reverse ('1'/'0'), since offset
 * ('' = none). Drops expired entries from the head first, then reads. Returns {top, epoch, entries}.
 */
export const HISTORY = new LuaScript(
  `${ENSURE_EPOCH}
local top = tonumber(redis.call('hget', KEYS[2], 's') or '0')
local now = tonumber(ARGV[3])
while true do
  local batch = redis.call('xrange', KEYS[1], '-', '+', 'COUNT', 100)
  local expired = {}
  local stop = #batch < 100
  for i = 1, #batch do
    local f = batch[i][2]
    local x = nil
    for j = 1, #f, 2 do
      if f[j] == 'x' then x = tonumber(f[j + 1]) end
    end
    if x and x <= now then
      expired[#expired + 1] = batch[i][1]
    else
      stop = true
      break
    end
  end
  if #expired > 0 then redis.call('xdel', KEYS[1], unpack(expired)) end
  if stop then break end
end
local limit = tonumber(ARGV[4])
if limit == 0 then return {top, epoch, {}} end
local since = ARGV[6]
local entries
if ARGV[5] == '1' then
  local hi = '+'
  if since ~= '' then
    local s = tonumber(since)
    if s <= 1 then return {top, epoch, {}} end
    hi = string.format('%d', s - 1)
  end
  if limit > 0 then
    entries = redis.call('xrevrange', KEYS[1], hi, '-', 'COUNT', limit)
  else
    entries = redis.call('xrevrange', KEYS[1], hi, '-')
  end
else
  local lo = '-'
  if since ~= '' then lo = string.format('%d', tonumber(since) + 1) end
  if limit > 0 then
    entries = redis.call('xrange', KEYS[1], lo, '+', 'COUNT', limit)
  else
    entries = redis.call('xrange', KEYS[1], lo, '+')
  end
end
return {top, epoch, entries}
`,
  2,
);
