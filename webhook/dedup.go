package webhook

import (
	"context"
	"sync"
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
// so that a failed attempt never makes a redelivery look handled: a
// redelivery that arrives while the first attempt runs finds the claim
// (InProgress, answered 409 so that Meta tries again later), and one that
// arrives after the failure finds the key free and runs the event.
//
// When the store itself fails, the Handler logs the error with its logger
// and: for Claim, answers 503 without running the event's functions, so
// that Meta redelivers; for Release, keeps its 500 answer (the claim
// lapses with its lease, after which a redelivery runs the event); for
// Commit, answers 200, since the functions did run (a redelivery after the
// lease may run them again: delivery is at least once).
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

// Defaults of MemoryDedup's bounds.
const (
	// DefaultDedupBytes bounds the bytes a zero MemoryDedup holds.
	DefaultDedupBytes = 16 << 20
	// DefaultDedupKeys bounds the keys a zero MemoryDedup holds.
	DefaultDedupKeys = 100_000
)

// dedupEntryOverhead is the bytes counted per key on top of the key and
// holder strings: the map slot, the expiry, the state and the queue item.
const dedupEntryOverhead = 96

// MemoryDedup is a DedupStore held in the memory of one process, for a
// webhook server with one replica. It is bounded by bytes (the lengths of
// keys and holders plus a fixed overhead per key, DefaultDedupBytes when
// MaxBytes is 0) and by key count (DefaultDedupKeys when MaxKeys is 0):
// when a bound is passed, expired keys are dropped, then the oldest keys
// first (an evicted key is handled again if redelivered). The zero value is
// ready to use. It is safe for concurrent use; each method is atomic.
type MemoryDedup struct {
	// MaxBytes bounds the bytes held. Set it before first use.
	MaxBytes int64
	// MaxKeys bounds the keys held. Set it before first use.
	MaxKeys int
	// Now is the clock (time.Now when nil). Set it before first use.
	Now func() time.Time

	mu        sync.Mutex
	keys      map[string]*dedupEntry
	queue     []dedupItem // write order; may hold stale items
	head      int
	bytes     int64
	gen       uint64
	sinceScan int
}

type dedupEntry struct {
	holder    string // "" once committed
	committed bool
	expiry    time.Time
	gen       uint64
}

type dedupItem struct {
	key string
	gen uint64
}

// Claim implements DedupStore. A lease <= 0 is DefaultDedupLease.
func (m *MemoryDedup) Claim(_ context.Context, key, holder string, lease time.Duration) (ClaimResult, error) {
	if lease <= 0 {
		lease = DefaultDedupLease
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if e, ok := m.keys[key]; ok && now.Before(e.expiry) {
		switch {
		case e.committed:
			return AlreadyHandled, nil
		case e.holder != holder:
			return InProgress, nil
		}
	}
	m.put(key, &dedupEntry{holder: holder, expiry: now.Add(lease)}, now)
	return Claimed, nil
}

// Commit implements DedupStore. A ttl <= 0 is DefaultDedupTTL.
func (m *MemoryDedup) Commit(_ context.Context, key, holder string, ttl time.Duration) error {
	if ttl <= 0 {
		ttl = DefaultDedupTTL
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if e, ok := m.keys[key]; ok && e.committed && now.Before(e.expiry) {
		return nil
	}
	m.put(key, &dedupEntry{committed: true, expiry: now.Add(ttl)}, now)
	return nil
}

// Release implements DedupStore.
func (m *MemoryDedup) Release(_ context.Context, key, holder string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.keys[key]; ok && !e.committed && e.holder == holder {
		m.drop(key, e)
	}
	return nil
}

// Len reports how many keys are held (expired ones may count until they
// are dropped).
func (m *MemoryDedup) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.keys)
}

// Bytes reports the bytes counted against MaxBytes.
func (m *MemoryDedup) Bytes() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bytes
}

func (m *MemoryDedup) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func entrySize(key string, e *dedupEntry) int64 {
	return int64(len(key) + len(e.holder) + dedupEntryOverhead)
}

// put stores e under key as the newest write, then enforces the bounds.
func (m *MemoryDedup) put(key string, e *dedupEntry, now time.Time) {
	if m.keys == nil {
		m.keys = map[string]*dedupEntry{}
	}
	if old, ok := m.keys[key]; ok {
		m.drop(key, old)
	}
	m.gen++
	e.gen = m.gen
	m.keys[key] = e
	m.bytes += entrySize(key, e)
	m.queue = append(m.queue, dedupItem{key, e.gen})
	m.sinceScan++
	maxBytes, maxKeys := m.MaxBytes, m.MaxKeys
	if maxBytes <= 0 {
		maxBytes = DefaultDedupBytes
	}
	if maxKeys <= 0 {
		maxKeys = DefaultDedupKeys
	}
	over := func() bool { return m.bytes > maxBytes || len(m.keys) > maxKeys }
	// Expired keys go first; a full scan runs at most once per len/2
	// writes, so that writes stay amortised O(1).
	m.expireFront(now)
	if over() && m.sinceScan > len(m.keys)/2 {
		m.sinceScan = 0
		for k, old := range m.keys {
			if !now.Before(old.expiry) {
				m.drop(k, old)
			}
		}
	}
	for over() && m.head < len(m.queue) {
		m.popFront()
	}
	if live := len(m.queue) - m.head; live > 2*len(m.keys)+1024 {
		m.rebuild()
	}
	m.compact()
}

// drop removes key; its queue item becomes stale.
func (m *MemoryDedup) drop(key string, e *dedupEntry) {
	delete(m.keys, key)
	m.bytes -= entrySize(key, e)
}

// expireFront drops the expired or stale keys at the front of the queue.
func (m *MemoryDedup) expireFront(now time.Time) {
	for m.head < len(m.queue) {
		it := m.queue[m.head]
		e, ok := m.keys[it.key]
		if ok && e.gen == it.gen && now.Before(e.expiry) {
			return
		}
		m.popFront()
	}
}

// popFront removes the oldest queue item and its key, unless the key was
// written again since.
func (m *MemoryDedup) popFront() {
	it := m.queue[m.head]
	m.queue[m.head] = dedupItem{}
	m.head++
	if e, ok := m.keys[it.key]; ok && e.gen == it.gen {
		m.drop(it.key, e)
	}
}

// rebuild drops the stale queue items.
func (m *MemoryDedup) rebuild() {
	q := m.queue[:0]
	for _, it := range m.queue[m.head:] {
		if e, ok := m.keys[it.key]; ok && e.gen == it.gen {
			q = append(q, it)
		}
	}
	clear(m.queue[len(q):])
	m.queue, m.head = q, 0
}

// compact reclaims the consumed front of the queue.
func (m *MemoryDedup) compact() {
	if m.head > 1024 && m.head > len(m.queue)/2 {
		n := copy(m.queue, m.queue[m.head:])
		clear(m.queue[n:])
		m.queue = m.queue[:n]
		m.head = 0
	}
}
