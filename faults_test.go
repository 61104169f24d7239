package instagram_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// TestReadsUnderFaults sends 10,000 reads through one Client while the
// fake server faults about a fifth of all answers (500 transient errors,
// bodiless 502s, dropped connections, delays). Every read must either
// succeed with the right data or fail with a typed error after the
// configured attempts; nothing else is acceptable.
func TestReadsUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("fault load test")
	}
	srv := instagramtest.NewServer(instagramtest.WithSeed(7))
	defer srv.Close()
	for _, f := range []instagramtest.Fault{
		{Method: "GET", Kind: instagramtest.FaultDelay(2 * time.Millisecond), Probability: 0.05},
		{Method: "GET", Kind: instagramtest.FaultStatus500, Probability: 0.07},
		{Method: "GET", Kind: instagramtest.FaultBodiless502, Probability: 0.07},
		{Method: "GET", Kind: instagramtest.FaultDrop, Probability: 0.07},
	} {
		srv.InjectFault(f)
	}
	const attempts = 4
	c, err := srv.Client(instagram.WithRetryPolicy(instagram.RetryPolicy{MaxAttempts: attempts, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}))
	require.NoError(t, err)
	media := srv.Media()

	const reads, workers = 10000, 16
	var next, ok, typed atomic.Int64
	var mu sync.Mutex
	untyped := map[string]int{}
	var wg sync.WaitGroup
	ctx := context.Background()
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1))
				if i > reads {
					return
				}
				var err error
				switch i % 3 {
				case 0:
					var u *instagram.User
					if u, err = c.Users.Get(ctx, srv.UserID, nil); err == nil && u.ID != srv.UserID {
						err = fmt.Errorf("wrong user %q", u.ID)
					}
				case 1:
					want := media[i%len(media)]
					var m *instagram.Media
					if m, err = c.Media.Get(ctx, want.ID, nil); err == nil && (m.ID != want.ID || m.Permalink != want.Permalink) {
						err = fmt.Errorf("wrong media %q", m.ID)
					}
				default:
					var p *instagram.Page[instagram.Media]
					if p, err = c.Media.List(ctx, srv.UserID, &instagram.ListOptions{Limit: 5}); err == nil && (len(p.Data) != 5 || p.Data[0].ID != media[0].ID) {
						err = errors.New("wrong page")
					}
				}
				var netErr *instagram.NetworkError
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, instagram.ErrTransient) || errors.As(err, &netErr):
					typed.Add(1)
				default:
					mu.Lock()
					untyped[err.Error()]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	st := srv.Stats()
	t.Logf("reads %d: ok %d, typed failures after %d attempts %d; server answered %d requests, faulted %d", reads, ok.Load(), attempts, typed.Load(), st.Requests, st.Faulted)
	assert.Empty(t, untyped, "reads failed with untyped errors or wrong data")
	assert.EqualValues(t, reads, ok.Load()+typed.Load())
	assert.Greater(t, st.Faulted, reads/10, "the faults fired")
	// With about 21% of attempts failing, four attempts all fail for about
	// 0.2% of reads; allow ten times that.
	assert.Less(t, typed.Load(), int64(reads/50))
}
