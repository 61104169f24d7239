package redisstore

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/igsdk/instagram"
	"github.com/redis/go-redis/v9"
)

// LimitStore is an [instagram.LimitStore] on Redis, shared by every Client
// (in any process) built on the same Redis and prefix.
//
// Redis keys (P is the prefix):
//
//   - P{budget}:b:NAME, a hash (fields pct, until in Unix milliseconds)
//     per budget NAME ("app", "buc:ID", "msg:ACCOUNT:KIND"), expiring
//     ttl after its last observation or at its block end, whichever is
//     later (Redis's clock);
//   - P{budget}:index, a sorted set of budget names scored by their
//     expiry, for Budgets; all budget keys share the hash tag {budget}
//     so that one Observe or Blocked is one script on one slot;
//   - P{pace:KEY}, a string holding the next free slot of pacing KEY
//     (Unix microseconds), expiring when that slot is reached;
//   - P{quota:KEY}, a sorted set of the members used under quota KEY
//     scored by their first use (Unix milliseconds) in the window,
//     expiring one window after its newest member.
//
// Round trips: Observe, Blocked, Reserve and Use one each (one Lua
// script); Budgets two (the index, then one pipeline of reads).
//
// When Redis fails, every method returns an error wrapping [ErrRedis];
// the Client then logs a warning and decides with its own in-memory state
// for that call (see [instagram.LimitStore]), so an outage slows nothing
// down and blocks nothing, at the cost of fleet-wide guarantees while it
// lasts.
type LimitStore struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ instagram.LimitStore = (*LimitStore)(nil)

// NewLimitStore returns a LimitStore on rdb whose keys start with prefix
// (DefaultPrefix when empty).
func NewLimitStore(rdb redis.UniversalClient, prefix string) *LimitStore {
	return &LimitStore{rdb: rdb, prefix: normPrefix(prefix)}
}

func (s *LimitStore) budgetKey(name string) string { return s.prefix + "{budget}:b:" + name }
func (s *LimitStore) indexKey() string             { return s.prefix + "{budget}:index" }
func (s *LimitStore) paceKey(key string) string    { return s.prefix + "{pace:" + tag(key) + "}" }
func (s *LimitStore) quotaKey(key string) string   { return s.prefix + "{quota:" + tag(key) + "}" }

// KEYS[1] index, KEYS[2..] budget keys; ARGV[1] ttl ms, then per budget
// name, pct, until ms (0: none).
var observeScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
for i = 2, #KEYS do
  local a = (i - 2) * 3 + 2
  local name, pct, untl = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  if pct >= 0 then redis.call('HSET', KEYS[i], 'pct', pct) end
  local old = tonumber(redis.call('HGET', KEYS[i], 'until') or '0')
  if untl > old then
    redis.call('HSET', KEYS[i], 'until', untl)
    old = untl
  end
  if redis.call('HEXISTS', KEYS[i], 'pct') == 0 and old == 0 then
    redis.call('HSET', KEYS[i], 'pct', -1)
  end
  local exp = now + ttl
  if old > exp then exp = old end
  redis.call('PEXPIREAT', KEYS[i], exp)
  redis.call('ZADD', KEYS[1], exp, name)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if top[2] then redis.call('PEXPIREAT', KEYS[1], top[2]) end
return 1
`)

// Observe records the observations of one answer in one round trip.
func (s *LimitStore) Observe(ctx context.Context, obs []instagram.BudgetObservation, ttl time.Duration) error {
	if len(obs) == 0 {
		return nil
	}
	keys := make([]string, 0, len(obs)+1)
	args := make([]any, 0, 3*len(obs)+1)
	keys = append(keys, s.indexKey())
	args = append(args, ttl.Milliseconds())
	for _, o := range obs {
		keys = append(keys, s.budgetKey(o.Key))
		var until int64
		if !o.BlockedUntil.IsZero() {
			until = o.BlockedUntil.UnixMilli()
		}
		args = append(args, o.Key, o.Percent, until)
	}
	if err := observeScript.Run(ctx, s.rdb, keys, args...).Err(); err != nil {
		return redisError("observe", err)
	}
	return nil
}

// KEYS budget keys; ARGV[1] now ms. Returns the latest block end after now, or 0.
var blockedScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local best = 0
for i = 1, #KEYS do
  local u = tonumber(redis.call('HGET', KEYS[i], 'until') or '0')
  if u > now and u > best then best = u end
end
return best
`)

// Blocked returns the latest block end among keys after now (zero when
// none is blocked), in one round trip.
func (s *LimitStore) Blocked(ctx context.Context, keys []string, now time.Time) (time.Time, error) {
	if len(keys) == 0 {
		return time.Time{}, nil
	}
	rk := make([]string, len(keys))
	for i, k := range keys {
		rk[i] = s.budgetKey(k)
	}
	ms, err := blockedScript.Run(ctx, s.rdb, rk, now.UnixMilli()).Int64()
	if err != nil {
		return time.Time{}, redisError("blocked", err)
	}
	if ms == 0 {
		return time.Time{}, nil
	}
	return time.UnixMilli(ms), nil
}

// Budgets returns up to limit budgets the store holds (two round trips).
func (s *LimitStore) Budgets(ctx context.Context, limit int) ([]instagram.BudgetObservation, error) {
	if limit <= 0 {
		return nil, nil
	}
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	names, err := s.rdb.ZRangeArgs(ctx, redis.ZRangeArgs{
		Key: s.indexKey(), Start: "(" + now, Stop: "+inf", ByScore: true, Count: int64(limit),
	}).Result()
	if err != nil {
		return nil, redisError("budgets", err)
	}
	if len(names) == 0 {
		return nil, nil
	}
	cmds := make([]*redis.SliceCmd, len(names))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, n := range names {
			cmds[i] = p.HMGet(ctx, s.budgetKey(n), "pct", "until")
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, redisError("budgets", err)
	}
	out := make([]instagram.BudgetObservation, 0, len(names))
	for i, n := range names {
		v := cmds[i].Val()
		if len(v) != 2 || (v[0] == nil && v[1] == nil) {
			continue // expired between the two round trips
		}
		o := instagram.BudgetObservation{Key: n, Percent: -1}
		if p, ok := v[0].(string); ok {
			if x, err := strconv.Atoi(p); err == nil {
				o.Percent = x
			}
		}
		if u, ok := v[1].(string); ok {
			if x, err := strconv.ParseInt(u, 10, 64); err == nil && x > 0 {
				o.BlockedUntil = time.UnixMilli(x)
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// KEYS[1] pace key; ARGV now us, interval us, maxWait us.
// Returns {ok, wait us}.
var reserveScript = redis.NewScript(`
local now, iv, maxw = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = tat
if now > slot then slot = now end
local wait = slot - now
if wait > maxw then return {0, wait} end
local nxt = slot + iv
local px = math.ceil((nxt - now) / 1000)
if px < 1 then px = 1 end
redis.call('SET', KEYS[1], string.format('%d', nxt), 'PX', px)
return {1, wait}
`)

// Reserve books the next free slot of key in one round trip (GCRA with a
// burst of one, on the caller's now).
func (s *LimitStore) Reserve(ctx context.Context, key string, interval, maxWait time.Duration, now time.Time) (time.Duration, bool, error) {
	res, err := reserveScript.Run(ctx, s.rdb, []string{s.paceKey(key)},
		now.UnixMicro(), interval.Microseconds(), maxWait.Microseconds()).Int64Slice()
	if err != nil {
		return 0, false, redisError("reserve", err)
	}
	if len(res) != 2 {
		return 0, false, redisError("reserve", errors.New("unexpected script answer"))
	}
	return time.Duration(res[1]) * time.Microsecond, res[0] == 1, nil
}

// KEYS[1] quota key; ARGV member, limit, window ms, now ms.
// Returns {ok, retryAt ms}.
var useScript = redis.NewScript(`
local m, lim, win, now = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
if redis.call('ZSCORE', KEYS[1], m) then return {1, 0} end
if redis.call('ZCARD', KEYS[1]) < lim then
  redis.call('ZADD', KEYS[1], now, m)
  local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local px = tonumber(top[2]) + win - now
  if px < 1 then px = 1 end
  redis.call('PEXPIRE', KEYS[1], px)
  return {1, 0}
end
local old = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(old[2]) + win}
`)

// Use records member under key at now when the quota allows it, in one
// round trip.
func (s *LimitStore) Use(ctx context.Context, key, member string, limit int, window time.Duration, now time.Time) (bool, time.Time, error) {
	res, err := useScript.Run(ctx, s.rdb, []string{s.quotaKey(key)},
		member, limit, window.Milliseconds(), now.UnixMilli()).Int64Slice()
	if err != nil {
		return false, time.Time{}, redisError("use", err)
	}
	if len(res) != 2 {
		return false, time.Time{}, redisError("use", errors.New("unexpected script answer"))
	}
	if res[0] == 1 {
		return true, time.Time{}, nil
	}
	return false, time.UnixMilli(res[1]), nil
}
