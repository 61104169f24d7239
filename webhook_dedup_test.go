package instagram_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestMemoryDedupRemembersUntilExpiry(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)}
	d := &instagram.MemoryDedup{Now: clock.Now}

	seen, err := d.MarkSeen(ctx, "messages:m1", 36*time.Hour)
	require.NoError(t, err)
	assert.False(t, seen)
	seen, _ = d.MarkSeen(ctx, "messages:m1", 36*time.Hour)
	assert.True(t, seen)

	clock.Add(36*time.Hour - time.Second)
	seen, _ = d.MarkSeen(ctx, "messages:m1", 36*time.Hour)
	assert.True(t, seen, "still within the retry window")

	clock.Add(time.Second)
	seen, _ = d.MarkSeen(ctx, "messages:m1", 36*time.Hour)
	assert.False(t, seen, "expired: recorded afresh")
	assert.Equal(t, 1, d.Len())

	require.NoError(t, d.Forget(ctx, "messages:m1"))
	seen, _ = d.MarkSeen(ctx, "messages:m1", time.Hour)
	assert.False(t, seen)
}

func TestMemoryDedupIsBounded(t *testing.T) {
	ctx := context.Background()
	d := &instagram.MemoryDedup{MaxKeys: 100}
	for i := 0; i < 10_000; i++ {
		seen, err := d.MarkSeen(ctx, "k"+strconv.Itoa(i), time.Hour)
		require.NoError(t, err)
		require.False(t, seen)
		require.LessOrEqual(t, d.Len(), 100)
	}
	// The newest keys are remembered, the oldest were dropped.
	seen, _ := d.MarkSeen(ctx, "k9999", time.Hour)
	assert.True(t, seen)
	seen, _ = d.MarkSeen(ctx, "k0", time.Hour)
	assert.False(t, seen)

	// Forgotten and re-recorded keys do not let the queue grow without
	// bound either.
	for i := 0; i < 10_000; i++ {
		k := "r" + strconv.Itoa(i%7)
		_, _ = d.MarkSeen(ctx, k, time.Hour)
		_ = d.Forget(ctx, k)
	}
	assert.LessOrEqual(t, d.Len(), 100)
}

func TestMemoryDedupConcurrentMarkSeenHasOneWinner(t *testing.T) {
	d := &instagram.MemoryDedup{}
	var winners atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen, err := d.MarkSeen(context.Background(), "comments:1:42", time.Hour)
			if err == nil && !seen {
				winners.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 1, winners.Load())
}
