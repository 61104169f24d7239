package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/igsdk/instagram"
	"github.com/redis/go-redis/v9"
)

// DefaultJournalRetention is how long a PublishJournal keeps Done and
// Failed records when given no retention: a publish key repeated within it
// returns the recorded post instead of posting again.
const DefaultJournalRetention = 7 * 24 * time.Hour

// PublishJournal is an [instagram.PublishJournal] on Redis, shared by a
// pool of publishing workers: when a worker dies at any step of a
// publish, its lease lapses and another worker finds the record with
// Pending, claims it and finishes the same container, so the post appears
// once.
//
// Redis keys (P is the prefix), all under the hash tag {journal} (one
// Cluster slot for the whole journal, which is small: one entry per
// publish in flight or retained):
//
//   - P{journal}:r:KEY, a hash per publish key with the record as JSON
//     (rec), its state, and the lease holder and lease end (holder, until
//     in Unix milliseconds, Redis's clock). Done and Failed records expire
//     after the retention; others are kept until they end. A key claimed
//     before any Put expires with its lease.
//   - P{journal}:pending, a sorted set of the keys of unfinished records
//     scored by their lease end, for Pending.
//
// Claim, Put, Release and Pending are one Lua script each: one round trip.
// Leases are counted on Redis's clock, so the workers' clocks do not
// matter.
//
// When Redis fails, every method returns an error wrapping [ErrRedis]; a
// journal-aware publish then fails without posting rather than post
// without a record that another worker could find (which could post the
// same media twice).
type PublishJournal struct {
	rdb       redis.UniversalClient
	rec       string // key prefix of records
	pending   string
	retention time.Duration
}

var _ instagram.PublishJournal = (*PublishJournal)(nil)

// NewPublishJournal returns a PublishJournal on rdb with keys under prefix
// (DefaultPrefix when empty), keeping finished records for retention
// (DefaultJournalRetention when 0 or less).
func NewPublishJournal(rdb redis.UniversalClient, prefix string, retention time.Duration) *PublishJournal {
	if retention <= 0 {
		retention = DefaultJournalRetention
	}
	p := normPrefix(prefix) + "{journal}:"
	return &PublishJournal{rdb: rdb, rec: p + "r:", pending: p + "pending", retention: retention}
}

const redisNow = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

// KEYS rec, pending; ARGV key, holder, lease ms. Returns {ok, rec or false}.
var journalClaim = redis.NewScript(redisNow + `
local h = redis.call('HMGET', KEYS[1], 'holder', 'until', 'rec', 'state')
if h[1] and h[1] ~= ARGV[2] and tonumber(h[2]) > now then return {0, h[3] or false} end
local untl = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'holder', ARGV[2], 'until', untl)
if not h[3] then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
elseif h[4] ~= 'done' and h[4] ~= 'failed' then
  redis.call('ZADD', KEYS[2], untl, ARGV[1])
end
return {1, h[3] or false}
`)

// KEYS rec, pending; ARGV key, holder, lease ms, json, state, retention ms. Returns 1, or 0 when the lease is lost.
var journalPut = redis.NewScript(redisNow + `
if redis.call('HGET', KEYS[1], 'holder') ~= ARGV[2] then return 0 end
local untl = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'holder', ARGV[2], 'until', untl, 'rec', ARGV[4], 'state', ARGV[5])
if ARGV[5] == 'done' or ARGV[5] == 'failed' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
else
  redis.call('PERSIST', KEYS[1])
  redis.call('ZADD', KEYS[2], untl, ARGV[1])
end
return 1
`)

// KEYS rec, pending; ARGV key, holder.
var journalRelease = redis.NewScript(redisNow + `
local h = redis.call('HMGET', KEYS[1], 'holder', 'rec', 'state')
if h[1] ~= ARGV[2] then return 0 end
if not h[2] then return redis.call('DEL', KEYS[1]) end
redis.call('HDEL', KEYS[1], 'holder', 'until')
if h[3] ~= 'done' and h[3] ~= 'failed' then redis.call('ZADD', KEYS[2], now, ARGV[1]) end
return 1
`)

// KEYS pending; ARGV record key prefix, limit. The record keys are built
// here; they carry the pending key's hash tag, so they are in its slot.
var journalPending = redis.NewScript(redisNow + `
local keys = redis.call('ZRANGE', KEYS[1], '-inf', now, 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, k in ipairs(keys) do
  local r = redis.call('HGET', ARGV[1] .. k, 'rec')
  if r then table.insert(out, r) else redis.call('ZREM', KEYS[1], k) end
end
return out
`)

func (j *PublishJournal) keys(key string) []string { return []string{j.rec + key, j.pending} }

// Claim takes the lease on key for holder, in one round trip.
func (j *PublishJournal) Claim(ctx context.Context, key, holder string, lease time.Duration) (*instagram.PublishRecord, bool, error) {
	if key == "" || holder == "" {
		return nil, false, errors.New("redisstore: journal claim needs a key and a holder")
	}
	res, err := journalClaim.Run(ctx, j.rdb, j.keys(key), key, holder, positiveMillis(lease)).Slice()
	if err != nil {
		return nil, false, redisError("journal claim", err)
	}
	if len(res) != 2 {
		return nil, false, redisError("journal claim", errors.New("unexpected script answer"))
	}
	ok, _ := res[0].(int64)
	var rec *instagram.PublishRecord
	if s, isStr := res[1].(string); isStr {
		rec = new(instagram.PublishRecord)
		if err := json.Unmarshal([]byte(s), rec); err != nil {
			return nil, false, redisError("journal claim", err)
		}
	}
	return rec, ok == 1, nil
}

// Put stores rec and renews holder's lease in one round trip;
// instagram.ErrLeaseLost when holder no longer holds the key.
func (j *PublishJournal) Put(ctx context.Context, holder string, rec instagram.PublishRecord, lease time.Duration) error {
	if rec.Key == "" || holder == "" {
		return errors.New("redisstore: journal put needs a record key and a holder")
	}
	if rec.Updated.IsZero() {
		rec.Updated = time.Now().UTC()
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	n, err := journalPut.Run(ctx, j.rdb, j.keys(rec.Key), rec.Key, holder, positiveMillis(lease),
		b, string(rec.State), positiveMillis(j.retention)).Int64()
	if err != nil {
		return redisError("journal put", err)
	}
	if n == 0 {
		return instagram.ErrLeaseLost
	}
	return nil
}

// Release drops holder's lease on key and keeps the record (an unfinished
// one becomes Pending at once), in one round trip.
func (j *PublishJournal) Release(ctx context.Context, key, holder string) error {
	if err := journalRelease.Run(ctx, j.rdb, j.keys(key), key, holder).Err(); err != nil {
		return redisError("journal release", err)
	}
	return nil
}

// Pending returns up to limit unfinished records whose lease lapsed, in
// one round trip.
func (j *PublishJournal) Pending(ctx context.Context, limit int) ([]instagram.PublishRecord, error) {
	if limit <= 0 {
		return nil, nil
	}
	res, err := journalPending.Run(ctx, j.rdb, []string{j.pending}, j.rec, limit).StringSlice()
	if err != nil {
		return nil, redisError("journal pending", err)
	}
	out := make([]instagram.PublishRecord, 0, len(res))
	for _, s := range res {
		var r instagram.PublishRecord
		if err := json.Unmarshal([]byte(s), &r); err != nil {
			return nil, redisError("journal pending", err)
		}
		out = append(out, r)
	}
	return out, nil
}
