// Package redisstore keeps the shared state of a fleet of processes that
// use the instagram SDK in Redis: the limits state (budget blocks, the
// messaging pacer and the hashtag quota) and the webhook de-duplication
// claims. Processes that share one Redis (and one key prefix) honour each
// other's budget blocks, stay together under Meta's messaging limits,
// share one hashtag quota per account and handle each webhook delivery
// once.
//
// Every store takes a [redis.UniversalClient], so a single node, Sentinel
// or Cluster deployment works the same way. Each atomic step is one Lua
// script (one round trip); the keys a script touches share a hash tag
// ("{...}") so that they live in one Cluster slot. Every key starts with
// the configured prefix (DefaultPrefix when empty).
//
// Times: the pacer and the hashtag quota compare the times the caller
// passes (the processes' clocks, which should be kept in sync, for example
// by NTP; a skew of d between two hosts shifts their slots by d). Budget
// expiry uses Redis's own clock.
package redisstore

import (
	"errors"
	"fmt"
	"strings"
)

// DefaultPrefix is the key prefix used when a store is given an empty one.
const DefaultPrefix = "igsdk:"

// ErrRedis marks every error a store returns because Redis failed or
// answered something unexpected (connection refused, timeout, script
// error). Test it with errors.Is; the Redis error is wrapped too.
var ErrRedis = errors.New("redisstore: redis failed")

// redisError wraps err, from operation op, so that errors.Is(err,
// ErrRedis) holds and the cause stays reachable.
func redisError(op string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrRedis, op, err)
}

func normPrefix(p string) string {
	if p == "" {
		return DefaultPrefix
	}
	return p
}

// tag escapes s for use inside a hash tag: braces would end the tag early.
func tag(s string) string {
	return strings.NewReplacer("%", "%25", "{", "%7B", "}", "%7D").Replace(s)
}
