package redisstore_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
	"github.com/igsdk/instagram/redisstore"
)

// Six clients, each with its own Redis connection (as six processes
// would have), ask for a token due for refresh at once through the fake
// API: the fleet refreshes once, and every client ends on that token.
func TestTokenSourcesShareOneRefresh(t *testing.T) {
	rs := startRedis(t)
	p := prefix(t)
	var now atomic.Int64
	now.Store(t0.UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	fake := instagramtest.NewServer(instagramtest.WithClock(clock))
	t.Cleanup(fake.Close)
	tok := &instagram.Token{
		AccessToken: fake.IssueToken(60 * 24 * time.Hour),
		UserID:      fake.UserID,
		IssuedAt:    clock(),
		Expiry:      clock().Add(60 * 24 * time.Hour),
	}
	const procs = 6
	var sources []*instagram.RefreshingTokenSource
	for i := 0; i < procs; i++ {
		c, err := instagram.NewClient(instagram.WithBaseURL(fake.URL))
		if err != nil {
			t.Fatal(err)
		}
		store := redisstore.NewTokenStore(rs.client(t), p, fake.UserID)
		sources = append(sources, c.Auth.TokenSource(tok, &instagram.TokenSourceOptions{Store: store, Now: clock}))
	}
	now.Add(int64(60*24*time.Hour - 6*time.Hour)) // six hours before expiry: due
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, ts := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := ts.Token(); err != nil {
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if n := fake.RequestCount("GET", "/refresh_access_token"); n != 1 {
		t.Fatalf("%d refreshes across %d clients, want 1", n, procs)
	}
	stored, err := redisstore.NewTokenStore(rs.client(t), p, fake.UserID).Load(context.Background())
	if err != nil || stored == nil || stored.AccessToken == tok.AccessToken {
		t.Fatalf("stored token = %+v %v, want the refreshed one", stored, err)
	}
	for i, ts := range sources {
		// A client that had no refresh due itself adopts on its next refresh; all
		// that refreshed hold the stored token.
		if cur := ts.Current(); cur.AccessToken != stored.AccessToken {
			t.Errorf("client %d holds %q, want the fleet's refreshed token", i, cur.AccessToken[:8])
		}
	}
}
