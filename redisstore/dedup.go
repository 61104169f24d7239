package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/igsdk/instagram/webhook"
	"github.com/redis/go-redis/v9"
)

// DedupStore is a [webhook.DedupStore] on Redis, shared by every replica
// of a webhook server built on the same Redis and prefix: a delivery that
// Meta sends again, to any replica, runs its callbacks once.
//
// Redis keys (P is the prefix): P{dedup:KEY}, a string per event key
// holding "h:" and the holder while claimed (expiring with the lease) and
// "c" once committed (expiring after the commit's TTL,
// webhook.DefaultDedupTTL when it is 0 or less). Claim, Commit and Release
// are one Lua script each: one round trip.
//
// When Redis fails, each method returns an error wrapping [ErrRedis] and
// nothing else: the webhook Handler then answers Meta 503 without running
// the event (Claim), so that Meta redelivers once Redis is back. The store
// never degrades to local memory, since another replica could then handle
// the same delivery a second time.
type DedupStore struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ webhook.DedupStore = (*DedupStore)(nil)

// NewDedupStore returns a DedupStore on rdb whose keys start with prefix
// (DefaultPrefix when empty).
func NewDedupStore(rdb redis.UniversalClient, prefix string) *DedupStore {
	return &DedupStore{rdb: rdb, prefix: normPrefix(prefix)}
}

func (s *DedupStore) key(k string) string { return s.prefix + "{dedup:" + tag(k) + "}" }

// KEYS[1]; ARGV holder, lease ms. Returns 0 Claimed, 1 AlreadyHandled, 2 InProgress.
var claimScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == 'c' then return 1 end
if v and v ~= 'h:' .. ARGV[1] then return 2 end
redis.call('SET', KEYS[1], 'h:' .. ARGV[1], 'PX', ARGV[2])
return 0
`)

// KEYS[1]; ARGV ttl ms.
var commitScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == 'c' then return 0 end
redis.call('SET', KEYS[1], 'c', 'PX', ARGV[1])
return 1
`)

// KEYS[1]; ARGV holder.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == 'h:' .. ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

func positiveMillis(d time.Duration) int64 {
	if ms := d.Milliseconds(); ms > 0 {
		return ms
	}
	return 1
}

// Claim takes key for holder for lease unless it is committed or another
// holder's lease is live, in one round trip.
func (s *DedupStore) Claim(ctx context.Context, key, holder string, lease time.Duration) (webhook.ClaimResult, error) {
	if holder == "" {
		return 0, errors.New("redisstore: dedup claim needs a holder")
	}
	n, err := claimScript.Run(ctx, s.rdb, []string{s.key(key)}, holder, positiveMillis(lease)).Int64()
	if err != nil {
		return 0, redisError("dedup claim", err)
	}
	switch n {
	case 0:
		return webhook.Claimed, nil
	case 1:
		return webhook.AlreadyHandled, nil
	default:
		return webhook.InProgress, nil
	}
}

// Commit marks key handled for ttl, in one round trip.
func (s *DedupStore) Commit(ctx context.Context, key, holder string, ttl time.Duration) error {
	if ttl <= 0 {
		ttl = webhook.DefaultDedupTTL
	}
	if err := commitScript.Run(ctx, s.rdb, []string{s.key(key)}, positiveMillis(ttl)).Err(); err != nil {
		return redisError("dedup commit", err)
	}
	return nil
}

// Release drops holder's claim on key if holder still holds it
// (compare-and-delete), in one round trip.
func (s *DedupStore) Release(ctx context.Context, key, holder string) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.key(key)}, holder).Err(); err != nil {
		return redisError("dedup release", err)
	}
	return nil
}
