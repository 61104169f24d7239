package instagram_test

import (
	"context"
	"testing"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// BenchmarkIterate10000Media walks 10,000 media of one account on the fake
// server with the lazy iterator, 100 per page.
func BenchmarkIterate10000Media(b *testing.B) {
	srv := instagramtest.NewServer(instagramtest.WithMediaCount(10000))
	defer srv.Close()
	c, err := srv.Client(instagram.WithLimits(instagram.Limits{Disabled: true}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range c.Media.All(ctx, srv.UserID, &instagram.ListOptions{Limit: 100}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n < 10000 {
			b.Fatalf("iterated %d media", n)
		}
	}
	b.ReportMetric(float64(srv.RequestCount("GET", "/*/media"))/float64(b.N), "round-trips/op")
}

// BenchmarkInsights500Media reads the same metrics of 500 media with
// InsightsService.MediaMany (Graph batch requests) and with one call per
// media, on the fake server, and reports the round trips of each.
func BenchmarkInsights500Media(b *testing.B) {
	srv := instagramtest.NewServer(instagramtest.WithMediaCount(500))
	defer srv.Close()
	c, err := srv.FacebookClient(instagram.WithLimits(instagram.Limits{Disabled: true}))
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for _, m := range srv.Media() {
		ids = append(ids, m.ID)
	}
	ids = ids[:500]
	opts := &instagram.MediaInsightsOptions{Metrics: []instagram.Metric{instagram.MetricReach, instagram.MetricLikes}}
	ctx := context.Background()

	b.Run("batched", func(b *testing.B) {
		srv.ResetRequests()
		for b.Loop() {
			res, err := c.Insights.MediaMany(ctx, ids, opts)
			if err != nil || len(res) != len(ids) {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(srv.RequestCount("", ""))/float64(b.N), "round-trips/op")
	})
	b.Run("one-per-media", func(b *testing.B) {
		srv.ResetRequests()
		for b.Loop() {
			for _, id := range ids {
				if _, err := c.Insights.Media(ctx, id, opts); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(srv.RequestCount("", ""))/float64(b.N), "round-trips/op")
	})
}
