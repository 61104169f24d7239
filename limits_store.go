package instagram

import (
	"context"
	"errors"
	"sync"
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

// MemoryLimitStore is the in-memory LimitStore every Client uses unless
// given another. Its memory is bounded: budgets are forgotten after their
// TTL, pacing keys once their last slot passed, hashtags once they leave
// the window, and each kind of entry is capped (MaxKeys; budgets that block
// nothing are dropped first). Share one between clients of a process to share their state.
// It is safe for concurrent use.
type MemoryLimitStore struct {
	// MaxKeys bounds the entries of each kind (budgets, pacing keys,
	// quota keys); 0 means 10,000.
	MaxKeys int

	mu      sync.Mutex
	budgets map[string]*memBudget
	slots   map[string]time.Time // key -> last booked slot
	quotas  map[string]map[string]time.Time
}

type memBudget struct {
	obs     BudgetObservation
	expires time.Time
}

// NewMemoryLimitStore returns an empty MemoryLimitStore.
func NewMemoryLimitStore() *MemoryLimitStore { return &MemoryLimitStore{} }

func (m *MemoryLimitStore) maxKeys() int {
	if m.MaxKeys > 0 {
		return m.MaxKeys
	}
	return 10_000
}

// Observe implements BudgetStore.
func (m *MemoryLimitStore) Observe(_ context.Context, obs []BudgetObservation, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.budgets == nil {
		m.budgets = map[string]*memBudget{}
	}
	for _, o := range obs {
		now := time.Now()
		b := m.budgets[o.Key]
		if b == nil {
			if len(m.budgets) >= m.maxKeys() {
				m.pruneBudgets(now)
			}
			b = &memBudget{obs: BudgetObservation{Key: o.Key, Percent: -1}}
			m.budgets[o.Key] = b
		}
		if o.Percent >= 0 {
			b.obs.Percent = o.Percent
		}
		if o.BlockedUntil.After(b.obs.BlockedUntil) {
			b.obs.BlockedUntil = o.BlockedUntil
		}
		b.expires = later(now.Add(ttl), b.obs.BlockedUntil)
	}
	return nil
}

// pruneBudgets drops expired budgets and, down to nine tenths of MaxKeys,
// budgets that block nothing (forgetting them changes no decision); when
// every budget is blocked, the block ending first goes. Pruning in batches
// keeps an insertion into a full store cheap on average. m.mu is held.
func (m *MemoryLimitStore) pruneBudgets(now time.Time) {
	target := m.maxKeys() * 9 / 10
	for k, b := range m.budgets {
		if now.After(b.expires) || !b.obs.BlockedUntil.After(now) && len(m.budgets) > target {
			delete(m.budgets, k)
		}
	}
	if len(m.budgets) < m.maxKeys() {
		return
	}
	var soonest string
	for k, b := range m.budgets {
		if soonest == "" || b.obs.BlockedUntil.Before(m.budgets[soonest].obs.BlockedUntil) {
			soonest = k
		}
	}
	delete(m.budgets, soonest)
}

// Blocked implements BudgetStore.
func (m *MemoryLimitStore) Blocked(_ context.Context, keys []string, now time.Time) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var until time.Time
	for _, k := range keys {
		if b := m.budgets[k]; b != nil && b.obs.BlockedUntil.After(now) && b.obs.BlockedUntil.After(until) {
			until = b.obs.BlockedUntil
		}
	}
	return until, nil
}

// Budgets implements BudgetStore.
func (m *MemoryLimitStore) Budgets(_ context.Context, limit int) ([]BudgetObservation, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]BudgetObservation, 0, min(limit, len(m.budgets)))
	for _, b := range m.budgets {
		if len(out) >= limit {
			break
		}
		out = append(out, b.obs)
	}
	return out, nil
}

// Reserve implements PaceStore.
func (m *MemoryLimitStore) Reserve(_ context.Context, key string, interval, maxWait time.Duration, now time.Time) (time.Duration, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.slots == nil {
		m.slots = map[string]time.Time{}
	}
	slot := now
	if last, ok := m.slots[key]; ok {
		slot = later(now, last.Add(interval))
	} else if len(m.slots) >= m.maxKeys() {
		for k, last := range m.slots {
			if now.Sub(last) >= interval {
				delete(m.slots, k)
			}
		}
		if len(m.slots) >= m.maxKeys() {
			return 0, false, errors.New("instagram: MemoryLimitStore: too many pacing keys")
		}
	}
	wait := slot.Sub(now)
	if wait > maxWait {
		return wait, false, nil
	}
	m.slots[key] = slot
	return wait, true, nil
}

// Use implements QuotaStore.
func (m *MemoryLimitStore) Use(_ context.Context, key, member string, limit int, window time.Duration, now time.Time) (bool, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.quotas == nil {
		m.quotas = map[string]map[string]time.Time{}
	}
	set := m.quotas[key]
	if set == nil {
		if len(m.quotas) >= m.maxKeys() {
			for k, s := range m.quotas {
				prune(s, now, window)
				if len(s) == 0 {
					delete(m.quotas, k)
				}
			}
			if len(m.quotas) >= m.maxKeys() {
				return false, time.Time{}, errors.New("instagram: MemoryLimitStore: too many quota keys")
			}
		}
		set = map[string]time.Time{}
		m.quotas[key] = set
	}
	prune(set, now, window)
	if _, ok := set[member]; ok {
		return true, time.Time{}, nil
	}
	if len(set) >= limit {
		var oldest time.Time
		for _, at := range set {
			if oldest.IsZero() || at.Before(oldest) {
				oldest = at
			}
		}
		return false, oldest.Add(window), nil
	}
	set[member] = now
	return true, time.Time{}, nil
}

func prune(set map[string]time.Time, now time.Time, window time.Duration) {
	for k, at := range set {
		if !now.Before(at.Add(window)) {
			delete(set, k)
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
