package instagram_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// budgetServer and budgetLimits are the fake server's budget and the
// client's limits for runBudgetWorkload.
func budgetServer(budget int, window time.Duration) instagramtest.Option {
	return instagramtest.WithRateLimit(budget, window)
}

func budgetLimits(window time.Duration) instagram.Option {
	return instagram.WithLimits(instagram.Limits{Threshold: 90, Cooldown: window})
}

// runBudgetWorkload sends ten times the fake server's call budget through
// one Client shared by several goroutines, starting on a fresh window, and
// returns the calls the server counted in each window the workload used.
// srv has budgetServer's budget, c budgetLimits's limits.
func runBudgetWorkload(tb testing.TB, srv *instagramtest.Server, c *instagram.Client, budget int) (windows []int, st instagramtest.Stats) {
	const workers = 8
	total := 10 * budget
	media := srv.Media()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	time.Sleep(time.Until(srv.Stats().WindowReset))
	skip := len(srv.Stats().AppWindowHistory)
	var next atomic.Int64
	var failures atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(total) {
					return
				}
				var err error
				if i%2 == 0 {
					_, err = c.Users.Get(ctx, srv.UserID, nil)
				} else {
					_, err = c.Media.Get(ctx, media[int(i)%len(media)].ID, nil)
				}
				if err != nil && failures.Add(1) <= 5 {
					tb.Errorf("call %d: %v", i, err)
				}
			}
		})
	}
	wg.Wait()
	st = srv.Stats()
	assert.Zero(tb, failures.Load())
	assert.Equal(tb, total, st.Calls)
	windows = append(st.AppWindowHistory[skip:], st.AppWindowCalls)
	for len(windows) > 0 && windows[len(windows)-1] == 0 {
		windows = windows[:len(windows)-1]
	}
	return windows, st
}

// TestRateBudgetUnderLoad: a client pacing itself from the usage headers
// alone is never throttled by the server and never exceeds the budget in
// a window. It runs in a synctest bubble on an in-memory network, so the
// waits for the next window take no real time; the server's windows and
// the client's cooldowns run on the same fake clock. How much of each
// window the client uses depends on the machine's speed, so that figure is
// BenchmarkRateBudgetUtilisation's (on the real clock), not a test's.
func TestRateBudgetUnderLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const budget, window = 100, time.Second
		srv, c := bubbleClient(t, []instagramtest.Option{budgetServer(budget, window)}, budgetLimits(window))
		windows, st := runBudgetWorkload(t, srv, c, budget)
		assert.Zero(t, st.Throttled, "the server throttled a call")
		require.GreaterOrEqual(t, len(windows), 10, "the workload spans ten windows at least")
		for i, n := range windows {
			assert.LessOrEqual(t, n, budget, "window %d", i)
		}
		t.Logf("calls per window (budget %d): %v", budget, windows)
	})
}

// BenchmarkRateBudgetUtilisation reports the share of each full window's
// budget the client used under the workload (window-%), and throttled
// calls (want 0).
func BenchmarkRateBudgetUtilisation(b *testing.B) {
	const budget = 100
	for b.Loop() {
		srv := instagramtest.NewServer(budgetServer(budget, time.Second))
		c, err := srv.Client(budgetLimits(time.Second))
		require.NoError(b, err)
		windows, st := runBudgetWorkload(b, srv, c, budget)
		srv.Close()
		full := windows
		if len(full) > 1 {
			full = full[:len(full)-1] // the last window ended with the workload
		}
		sum := 0
		for _, n := range full {
			sum += n
		}
		b.ReportMetric(float64(sum)*100/float64(budget*len(full)), "window-%")
		b.ReportMetric(float64(st.Throttled), "throttled")
	}
}
