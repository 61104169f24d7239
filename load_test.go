package instagram_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// TestRateBudgetUnderLoad runs a workload of ten times the fake server's
// call budget through one Client shared by several goroutines. The client
// must pace itself from the usage headers alone: no call may be throttled
// by the server, and every full window must be used to at least 90%.
func TestRateBudgetUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const (
		budget  = 100
		window  = time.Second
		workers = 8
		total   = 10 * budget
	)
	srv := instagramtest.NewServer(instagramtest.WithRateLimit(budget, window))
	defer srv.Close()
	c, err := srv.Client(instagram.WithRateLimitPolicy(instagram.RateLimitPolicy{
		Threshold: 90, Wait: true, Cooldown: window,
	}))
	require.NoError(t, err)
	media := srv.Media()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Start the workload with a fresh window of the server's budget.
	time.Sleep(time.Until(srv.Stats().WindowReset))
	skip := len(srv.Stats().AppWindowHistory)
	start := time.Now()
	var next atomic.Int64
	var failures atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > total {
					return
				}
				var err error
				if i%2 == 0 {
					_, err = c.Users.Get(ctx, srv.UserID, nil)
				} else {
					_, err = c.Media.Get(ctx, media[int(i)%len(media)].ID, nil)
				}
				if err != nil {
					if failures.Add(1) <= 5 {
						t.Errorf("call %d after %s: %v", i, time.Since(start).Round(time.Millisecond), err)
					}
				}
			}
		})
	}
	wg.Wait()
	st := srv.Stats()
	assert.Zero(t, failures.Load())
	assert.Zero(t, st.Throttled, "the server throttled a call")
	assert.Equal(t, total, st.Calls)

	windows := append(st.AppWindowHistory[skip:], st.AppWindowCalls)
	for len(windows) > 0 && windows[len(windows)-1] == 0 {
		windows = windows[:len(windows)-1]
	}
	require.Greater(t, len(windows), 2)
	full := windows[:len(windows)-1] // the last window ended with the workload
	for i, n := range full {
		assert.GreaterOrEqual(t, n, budget*90/100, "window %d used %d of %d", i, n, budget)
		assert.LessOrEqual(t, n, budget, "window %d", i)
	}
	t.Logf("calls per window (budget %d): %v", budget, windows)
}
