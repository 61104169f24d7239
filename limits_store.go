package instagram

import (
	"context"
	"time"
)

// LimitStore holds the state of a Client's limits system: the budgets Meta
// reports in usage headers and throttling answers, the messaging pacing
// slots and the hashtag quota. Every Client has one; by default it is a
// MemoryLimitStore of its own. Clients that share one store (a
// MemoryLimitStore shared in a process, or a store on Redis shared by a
// fleet of processes) honour each other's blocks, pacing and quota.
//
// Each method is one atomic step, so that a shared store can implement it
// with one round trip (a Lua script on Redis). Times are absolute; a
// shared store compares them with its own clock or the caller's, as its
// documentation says.
//
// When a store method fails, the Client logs the failure (at warning
// level, on the logger of WithLogger) and decides with its own in-memory
// state instead, so that an outage of a shared store slows nothing down
// and blocks nothing; the call is not failed because of it.
type LimitStore interface {
	BudgetStore
	PaceStore
	QuotaStore
}

// BudgetObservation is what one answer showed about one budget.
type BudgetObservation struct {
	// Key names the budget: "app" for the app's budget, "buc:" followed
	// by a business object id for a business use case budget,
	// "msg:ACCOUNT:KIND" for a messaging limit Meta enforced.
	Key string
	// Percent is the usage Meta reported, 0 to 100 (the highest of its
	// figures); -1 when the answer carried no figure for this budget.
	Percent int
	// BlockedUntil, when not zero, is the end of a block: the budget must
	// not be spent before then. Stores keep the latest block end they were
	// given; an earlier one never shortens a block.
	BlockedUntil time.Time
}

// BudgetStore keeps budget blocks and the usage seen.
type BudgetStore interface {
	// Observe records the observations of one answer. Each budget's
	// state is kept for ttl after its last observation or until its block
	// ends, whichever is later, then forgotten. One round trip.
	Observe(ctx context.Context, obs []BudgetObservation, ttl time.Duration) error
	// Blocked returns the latest block end among keys that lies after
	// now, or the zero time when none of them is blocked. One round trip.
	Blocked(ctx context.Context, keys []string, now time.Time) (time.Time, error)
	// Budgets returns what the store knows of every budget it holds, at
	// most limit of them (for reports, not for the hot path).
	Budgets(ctx context.Context, limit int) ([]BudgetObservation, error)
}

// PaceStore books sending slots spaced evenly in time, so that the calls
// of all clients sharing the store stay under a rate (a generic cell rate
// algorithm with a burst of one: at most one slot every interval per key).
type PaceStore interface {
	// Reserve books the next free slot of key, at least interval after
	// the previous booked slot and not before now. When that slot lies
	// more than maxWait after now, nothing is booked, ok is false and
	// wait says how far the slot is. Otherwise the slot is booked, ok is
	// true and wait is how long the caller must wait before sending (0:
	// at once). State of a key is dropped once its last slot is interval
	// in the past. One round trip.
	Reserve(ctx context.Context, key string, interval, maxWait time.Duration, now time.Time) (wait time.Duration, ok bool, err error)
}

// QuotaStore counts distinct members used per key in a rolling window:
// the hashtag quota (Meta allows 30 distinct hashtags per account in 7
// days; repeating one costs nothing).
type QuotaStore interface {
	// Use records member under key at now and reports whether it is
	// allowed: a member used within window before now is allowed again
	// without counting; a new member is allowed, and recorded, while
	// fewer than limit distinct members were used within window. When it
	// is refused, nothing is recorded and retryAt is when the oldest
	// member leaves the window. Members older than window are dropped.
	// One round trip.
	Use(ctx context.Context, key, member string, limit int, window time.Duration, now time.Time) (ok bool, retryAt time.Time, err error)
}
