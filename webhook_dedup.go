package instagram

import (
	"context"
	"sync"
	"time"
)

// DefaultDedupTTL is how long handled events are remembered: Meta retries a
// failed delivery for up to 36 hours.
const DefaultDedupTTL = 36 * time.Hour

// DefaultDedupKeys is the number of keys a zero MemoryDedup holds at most.
const DefaultDedupKeys = 100_000

// DedupStore remembers the events already handled, by WebhookEvent.DedupKey.
// MemoryDedup keeps them in memory; a shared store (Redis with SET key 1 NX
// PX ttl and DEL, a database table with a unique key) lets several replicas
// of a webhook server drop each other's redeliveries.
type DedupStore interface {
	// MarkSeen records key for ttl and reports whether it was already
	// recorded and not expired. It must be atomic: of two concurrent calls
	// with one key, exactly one reports false.
	MarkSeen(ctx context.Context, key string, ttl time.Duration) (seen bool, err error)
	// Forget removes key, so that the event is handled again when it is
	// redelivered (after its handler failed).
	Forget(ctx context.Context, key string) error
}

// MemoryDedup is an in-memory DedupStore with a bounded number of keys:
// when full, the oldest keys are dropped first. The zero value is ready to
// use and holds DefaultDedupKeys keys. It is safe for concurrent use.
type MemoryDedup struct {
	// MaxKeys bounds the keys held (DefaultDedupKeys when 0). Set it
	// before first use.
	MaxKeys int
	// Now is the clock (time.Now when nil). Set it before first use.
	Now func() time.Time

	mu    sync.Mutex
	keys  map[string]time.Time // key -> expiry
	queue []dedupItem          // insertion order; may hold stale items
	head  int
}

type dedupItem struct {
	key    string
	expiry time.Time
}

// MarkSeen implements DedupStore.
func (m *MemoryDedup) MarkSeen(_ context.Context, key string, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		ttl = DefaultDedupTTL
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if m.keys == nil {
		m.keys = map[string]time.Time{}
	}
	m.expire(now)
	if exp, ok := m.keys[key]; ok && now.Before(exp) {
		return true, nil
	}
	exp := now.Add(ttl)
	m.keys[key] = exp
	m.queue = append(m.queue, dedupItem{key, exp})
	max := m.MaxKeys
	if max <= 0 {
		max = DefaultDedupKeys
	}
	for len(m.keys) > max || len(m.queue)-m.head > 2*max {
		m.pop()
	}
	m.compact()
	return false, nil
}

// Forget implements DedupStore.
func (m *MemoryDedup) Forget(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, key)
	return nil
}

// Len reports how many keys are held (expired ones may still count until
// the next MarkSeen).
func (m *MemoryDedup) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.keys)
}

func (m *MemoryDedup) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// expire drops the expired keys at the front of the queue.
func (m *MemoryDedup) expire(now time.Time) {
	for m.head < len(m.queue) && !now.Before(m.queue[m.head].expiry) {
		m.pop()
	}
}

// pop removes the oldest queue item and its key, unless the key was
// recorded again since.
func (m *MemoryDedup) pop() {
	it := m.queue[m.head]
	m.queue[m.head] = dedupItem{}
	m.head++
	if exp, ok := m.keys[it.key]; ok && exp.Equal(it.expiry) {
		delete(m.keys, it.key)
	}
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

// FilterDuplicates returns the events store has not seen within ttl
// (DefaultDedupTTL when ttl <= 0), recording them as seen: for programs
// that use ParseWebhook. When handling one of them fails, call
// store.Forget(ctx, event.DedupKey()) before answering 500 so that the
// redelivery is handled.
func FilterDuplicates(ctx context.Context, store DedupStore, ttl time.Duration, events []WebhookEvent) ([]WebhookEvent, error) {
	out := make([]WebhookEvent, 0, len(events))
	for _, e := range events {
		seen, err := store.MarkSeen(ctx, e.DedupKey(), ttl)
		if err != nil {
			return nil, err
		}
		if !seen {
			out = append(out, e)
		}
	}
	return out, nil
}
