package webhook_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram/webhook"
)

// fixture reads a file of testdata.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func claim(t *testing.T, d webhook.DedupStore, key, holder string, lease time.Duration) webhook.ClaimResult {
	t.Helper()
	r, err := d.Claim(context.Background(), key, holder, lease)
	require.NoError(t, err)
	return r
}

func TestMemoryDedupClaimCommitRelease(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	d := &webhook.MemoryDedup{Now: clk.Now}
	const k = "messages:m1"

	assert.Equal(t, webhook.Claimed, claim(t, d, k, "a", time.Minute))
	assert.Equal(t, webhook.InProgress, claim(t, d, k, "b", time.Minute), "a live claim of another holder")
	assert.Equal(t, webhook.Claimed, claim(t, d, k, "a", time.Minute), "the holder may renew its claim")

	// Release by another holder is a no-op; by the holder frees the key.
	require.NoError(t, d.Release(ctx, k, "b"))
	assert.Equal(t, webhook.InProgress, claim(t, d, k, "b", time.Minute))
	require.NoError(t, d.Release(ctx, k, "a"))
	assert.Equal(t, webhook.Claimed, claim(t, d, k, "b", time.Minute), "released: the next delivery handles it")

	require.NoError(t, d.Commit(ctx, k, "b", time.Hour))
	assert.Equal(t, webhook.AlreadyHandled, claim(t, d, k, "c", time.Minute))
	assert.Equal(t, webhook.AlreadyHandled, claim(t, d, k, "b", time.Minute), "committed, even for its holder")
	require.NoError(t, d.Release(ctx, k, "b"))
	assert.Equal(t, webhook.AlreadyHandled, claim(t, d, k, "c", time.Minute), "release leaves a committed key alone")

	clk.Add(time.Hour)
	assert.Equal(t, webhook.Claimed, claim(t, d, k, "c", time.Minute), "the commit expired with its TTL")
}

func TestMemoryDedupLeaseLapses(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	d := &webhook.MemoryDedup{Now: clk.Now}
	const k = "comments:1:42"

	assert.Equal(t, webhook.Claimed, claim(t, d, k, "a", time.Minute))
	clk.Add(time.Minute - time.Nanosecond)
	assert.Equal(t, webhook.InProgress, claim(t, d, k, "b", time.Minute))
	clk.Add(time.Nanosecond)
	assert.Equal(t, webhook.Claimed, claim(t, d, k, "b", time.Minute), "a lapsed lease is free")

	// a's late Release must not drop b's claim.
	require.NoError(t, d.Release(ctx, k, "a"))
	assert.Equal(t, webhook.InProgress, claim(t, d, k, "c", time.Minute))

	// a's late Commit still records the event (its functions ran)...
	require.NoError(t, d.Commit(ctx, k, "a", time.Hour))
	assert.Equal(t, webhook.AlreadyHandled, claim(t, d, k, "c", time.Minute))
	// ...and a second commit does not extend or replace the first.
	clk.Add(30 * time.Minute)
	require.NoError(t, d.Commit(ctx, k, "b", time.Hour))
	clk.Add(30 * time.Minute)
	assert.Equal(t, webhook.Claimed, claim(t, d, k, "c", time.Minute), "expired with the first commit's TTL")
}

func TestMemoryDedupIsBoundedByKeys(t *testing.T) {
	ctx := context.Background()
	d := &webhook.MemoryDedup{MaxKeys: 100}
	for i := range 10_000 {
		k := "k" + strconv.Itoa(i)
		require.Equal(t, webhook.Claimed, claim(t, d, k, "h", time.Hour))
		require.NoError(t, d.Commit(ctx, k, "h", time.Hour))
		require.LessOrEqual(t, d.Len(), 100)
	}
	assert.Equal(t, webhook.AlreadyHandled, claim(t, d, "k9999", "x", time.Hour), "newest kept")
	assert.Equal(t, webhook.Claimed, claim(t, d, "k0", "x", time.Hour), "oldest evicted")
}

func TestMemoryDedupIsBoundedByBytes(t *testing.T) {
	ctx := context.Background()
	const limit = 64 << 10
	d := &webhook.MemoryDedup{MaxBytes: limit}
	key := func(i int) string { return strings.Repeat("x", 900) + strconv.Itoa(i) }
	for i := range 2000 {
		require.Equal(t, webhook.Claimed, claim(t, d, key(i), "holder-1", time.Hour))
		require.NoError(t, d.Commit(ctx, key(i), "holder-1", time.Hour))
		require.LessOrEqual(t, d.Bytes(), int64(limit))
	}
	// About 64 KiB / ~1 KiB per key are held, far below the key bound.
	assert.Greater(t, d.Len(), 40)
	assert.Less(t, d.Len(), 70)
	assert.Equal(t, webhook.AlreadyHandled, claim(t, d, key(1999), "x", time.Hour))
	assert.Equal(t, webhook.Claimed, claim(t, d, key(0), "x", time.Hour))

	// Releasing and re-claiming does not leak bytes.
	d2 := &webhook.MemoryDedup{}
	for range 1000 {
		claim(t, d2, "k", "h", time.Hour)
		require.NoError(t, d2.Release(ctx, "k", "h"))
	}
	assert.Zero(t, d2.Len())
	assert.Zero(t, d2.Bytes())
}

func TestMemoryDedupDropsExpiredBeforeLive(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	d := &webhook.MemoryDedup{MaxKeys: 10, Now: clk.Now}
	// A long-lived commit first, then short claims that expire.
	claim(t, d, "old", "h", time.Minute)
	require.NoError(t, d.Commit(ctx, "old", "h", 36*time.Hour))
	for i := range 9 {
		claim(t, d, "lease"+strconv.Itoa(i), "h", time.Minute)
	}
	clk.Add(2 * time.Minute)
	for i := range 9 {
		claim(t, d, "new"+strconv.Itoa(i), "h", time.Minute)
	}
	assert.Equal(t, webhook.AlreadyHandled, claim(t, d, "old", "x", time.Minute),
		"expired leases are dropped before the oldest live key")
}

func TestMemoryDedupConcurrentClaimHasOneWinner(t *testing.T) {
	d := &webhook.MemoryDedup{}
	var claimed, inProgress atomic.Int64
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			r, err := d.Claim(context.Background(), "comments:1:42", "h"+strconv.Itoa(i), time.Hour)
			assert.NoError(t, err)
			switch r {
			case webhook.Claimed:
				claimed.Add(1)
			case webhook.InProgress:
				inProgress.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int64(1), claimed.Load())
	assert.Equal(t, int64(31), inProgress.Load())
}
