package main_test

import (
	"fmt"
	"testing"
)

// BenchmarkFleetUtilisation runs the whole fleet (real processes, one
// Redis) with 1, 2, 4 and 8 workers for 20 seconds each and reports the
// share of the app budget used per window in its steady state (budget-%),
// the calls Meta throttled and the DMs it refused. One run per
// sub-benchmark is enough (the figures are those of a whole run):
//
//	go test -run '^$' -bench FleetUtilisation -benchtime 1x ./examples/fleet
func BenchmarkFleetUtilisation(b *testing.B) {
	needRedis(b)
	bin := build(b)
	for _, n := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) {
			var pct, throttled, refused, calls float64
			runs := 0
			for b.Loop() {
				got, last := runFleet(b, bin, n, "20s")
				b.Logf("%s", last)
				if got["duplicate_posts"] != 0 || got["lost_posts"] != 0 || got["worker_errors"] != 0 {
					b.Errorf("fleet broke a guarantee: %s", last)
				}
				pct += got["budget_used_pct"]
				throttled += got["throttled"]
				refused += got["dm_rate_limited"]
				calls += got["calls"]
				runs++
			}
			r := float64(runs)
			b.ReportMetric(pct/r, "budget-%")
			b.ReportMetric(throttled/r, "throttled/run")
			b.ReportMetric(refused/r, "dm-refused/run")
			b.ReportMetric(calls/r, "calls/run")
			b.ReportMetric(0, "ns/op")
		})
	}
}
