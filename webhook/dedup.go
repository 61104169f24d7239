package webhook

import (
	"context"
	"time"
)

// ClaimResult is what Claim found.
type ClaimResult int

const (
	// Claimed: the caller holds the claim and must Commit or Release it.
	Claimed ClaimResult = iota
	// AlreadyHandled: committed earlier: answer 200, do not run callbacks.
	AlreadyHandled
	// InProgress: another holder's lease is live: answer non-2xx so Meta
	// redelivers later.
	InProgress
)

// DedupStore records which events are being handled and which were
// handled, by Event.DedupKey, so that Meta's redeliveries run each event's
// callbacks once. Keys go through three states: absent, claimed (by one
// holder, for a lease) and committed (for a TTL). A claim whose lease has
// lapsed counts as absent for Claim.
//
// The Handler claims each event with a short lease before running its
// callbacks, commits it after they succeed and releases it when one fails,
// so that a failed attempt never makes a redelivery look handled. When the
// store itself returns an error, the Handler answers 503 (so that Meta
// redelivers) and logs the error with its logger; it never runs callbacks
// for an event it could not claim.
//
// Implementations must be safe for concurrent use. MemoryDedup keeps keys
// in memory; a shared store (Redis, a database table) lets several
// replicas of a webhook server share the work.
type DedupStore interface {
	// Claim atomically takes key for holder for lease, unless key is
	// committed or claimed by another holder whose lease has not expired.
	// One round trip for a shared store.
	Claim(ctx context.Context, key, holder string, lease time.Duration) (ClaimResult, error)
	// Commit marks key handled for ttl, replacing holder's claim (also
	// when the lease has lapsed, unless another holder has committed). One
	// round trip.
	Commit(ctx context.Context, key, holder string, ttl time.Duration) error
	// Release drops holder's claim (compare-and-delete: a claim now held
	// by another holder, or a committed key, is left alone), so the next
	// delivery handles the event. One round trip.
	Release(ctx context.Context, key, holder string) error
}
