package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/igsdk/instagram"
	"github.com/redis/go-redis/v9"
)

// ErrLockLost is returned by a TokenStore unlock when the lock's TTL
// lapsed and the lock is no longer this holder's (another holder may have
// taken it); nothing is deleted then.
var ErrLockLost = errors.New("redisstore: token lock lost")

// TokenStore is an [instagram.TokenStore] on Redis: one token, named by
// the store's name (an account id, an app), shared by every process that
// refreshes it, with a fleet-wide refresh lock so that one process
// refreshes and the others adopt its token.
//
// Redis keys (P is the prefix, NAME the token's name): P{token:NAME}:tok,
// the token as JSON (no TTL: it is replaced by Save), and
// P{token:NAME}:lock, the refresh lock, a random value unique to each
// Lock call, set with NX and a TTL of the ttl Lock is given.
//
// Round trips: Load and Save one each; Lock one per attempt (SET NX),
// polling every 5 to 100 ms (growing) while another holder has the lock,
// until it is free or ctx ends; unlock one (a compare-and-delete script).
//
// When Redis fails, every method returns an error wrapping [ErrRedis]. The
// store never falls back to a local lock or token: that would let two
// processes refresh the same token (the last writer would win and the
// other process's token could stop working). The refreshing token source
// keeps using its current token and reports the failure.
type TokenStore struct {
	rdb  redis.UniversalClient
	tok  string
	lock string
}

var _ instagram.TokenStore = (*TokenStore)(nil)

// NewTokenStore returns the TokenStore of the token called name on rdb,
// with keys under prefix (DefaultPrefix when empty).
func NewTokenStore(rdb redis.UniversalClient, prefix, name string) *TokenStore {
	base := normPrefix(prefix) + "{token:" + tag(name) + "}"
	return &TokenStore{rdb: rdb, tok: base + ":tok", lock: base + ":lock"}
}

// Load returns the stored token, or (nil, nil) when none is stored, in
// one round trip.
func (s *TokenStore) Load(ctx context.Context) (*instagram.Token, error) {
	b, err := s.rdb.Get(ctx, s.tok).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, redisError("token load", err)
	}
	var t instagram.Token
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, redisError("token load", err)
	}
	return &t, nil
}

// Save stores tok, replacing the previous token, in one round trip.
func (s *TokenStore) Save(ctx context.Context, tok *instagram.Token) error {
	if tok == nil {
		return errors.New("redisstore: token save: nil token")
	}
	b, err := json.Marshal(tok)
	if err != nil {
		return err
	}
	if err := s.rdb.Set(ctx, s.tok, b, 0).Err(); err != nil {
		return redisError("token save", err)
	}
	return nil
}

var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// Lock takes the refresh lock for ttl, waiting while another holder has
// it, until ctx ends. The returned unlock deletes the lock only while it
// still holds this call's value (ErrLockLost otherwise).
func (s *TokenStore) Lock(ctx context.Context, ttl time.Duration) (func(context.Context) error, error) {
	if ctx == nil {
		return nil, errors.New("redisstore: token lock: nil context")
	}
	if ttl <= 0 {
		return nil, errors.New("redisstore: token lock: ttl must be positive")
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	val := hex.EncodeToString(b[:])
	wait := 5 * time.Millisecond
	for {
		ok, err := s.rdb.SetNX(ctx, s.lock, val, ttl).Result()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, redisError("token lock", err)
		}
		if ok {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		if wait < 100*time.Millisecond {
			wait *= 2
		}
	}
	return func(ctx context.Context) error {
		n, err := unlockScript.Run(ctx, s.rdb, []string{s.lock}, val).Int64()
		if err != nil {
			return redisError("token unlock", err)
		}
		if n == 0 {
			return ErrLockLost
		}
		return nil
	}, nil
}
