package instagram_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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

// readFaults are the faults TestReadsUnderFaults injects: about a fifth
// of all answers fail.
var readFaults = []instagramtest.Fault{
	{Method: "GET", Kind: instagramtest.FaultDelay(2 * time.Millisecond), Probability: 0.05},
	{Method: "GET", Kind: instagramtest.FaultStatus500, Probability: 0.07},
	{Method: "GET", Kind: instagramtest.FaultBodiless502, Probability: 0.07},
	{Method: "GET", Kind: instagramtest.FaultDrop, Probability: 0.07},
}

// readAttempts is the retry policy's attempts in the reads under faults.
const readAttempts = 4

// readRetries retries quickly: the waits are not what is under test.
var readRetries = instagram.WithRetryPolicy(instagram.RetryPolicy{MaxAttempts: readAttempts, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond})

// readOutcome counts how the reads of runFaultyReads ended.
type readOutcome struct {
	ok, typed int64
	untyped   map[string]int
}

// runFaultyReads sends reads through c, shared by 16 goroutines, and
// checks that every read either succeeded with the right data or failed
// with a typed error.
func runFaultyReads(srv *instagramtest.Server, c *instagram.Client, reads int) readOutcome {
	const workers = 16
	media := srv.Media()
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
	return readOutcome{ok: ok.Load(), typed: typed.Load(), untyped: untyped}
}

// delayCounter counts the attempts whose answer took at least min on the
// clock. Inside a synctest bubble an answer takes no time at all unless
// the server held it, so this counts the delayed answers.
type delayCounter struct {
	next    http.RoundTripper
	min     time.Duration
	delayed atomic.Int64
}

func (d *delayCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := d.next.RoundTrip(r)
	if time.Since(start) >= d.min {
		d.delayed.Add(1)
	}
	return resp, err
}

// TestReadsUnderFaults sends 2,000 reads through one Client while the
// fake server faults about a fifth of all answers (500 transient errors,
// bodiless 502s, dropped connections, delays). Every read must either
// succeed with the right data or fail with a typed error after the
// configured attempts; nothing else is acceptable. Every kind of fault
// must have hit a few dozen reads at least. It runs in a synctest bubble
// on an in-memory network, so delays and backoffs take no real time;
// BenchmarkReadsUnderFaults makes 10,000 reads over a loopback socket.
func TestReadsUnderFaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const reads = 2000
		srv, tr := bubbleFake(t, instagramtest.WithSeed(7))
		for _, f := range readFaults {
			srv.InjectFault(f)
		}
		counter := &delayCounter{next: tr, min: 2 * time.Millisecond}
		c, err := srv.Client(instagram.WithHTTPClient(&http.Client{Transport: counter}), readRetries)
		require.NoError(t, err)

		out := runFaultyReads(srv, c, reads)
		st := srv.Stats()
		seen := map[string]int{"delay": int(counter.delayed.Load())}
		for _, r := range srv.Requests() {
			switch r.Status {
			case http.StatusInternalServerError:
				seen["500"]++
			case http.StatusBadGateway:
				seen["502"]++
			case 0:
				seen["drop"]++
			}
		}
		t.Logf("reads %d: ok %d, typed failures after %d attempts %d; server answered %d requests, faulted %d %v",
			reads, out.ok, readAttempts, out.typed, st.Requests, st.Faulted, seen)
		assert.Empty(t, out.untyped, "reads failed with untyped errors or wrong data")
		assert.EqualValues(t, reads, out.ok+out.typed)
		assert.Greater(t, st.Faulted, reads/10, "the faults fired")
		for _, k := range []string{"delay", "500", "502", "drop"} {
			assert.GreaterOrEqual(t, seen[k], reads/50, "fault %s hit few reads", k)
		}
		// With about 21% of attempts failing, four attempts all fail for
		// about 0.2% of reads; allow ten times that.
		assert.Less(t, out.typed, int64(reads/50))
	})
}

// BenchmarkReadsUnderFaults makes TestReadsUnderFaults's reads at scale,
// 10,000 per op over a loopback socket and the real clock, and reports
// the share of reads that failed after every attempt (typed-%, about 0.2
// expected) and any that failed otherwise (untyped, want 0).
func BenchmarkReadsUnderFaults(b *testing.B) {
	const reads = 10000
	for b.Loop() {
		srv := instagramtest.NewServer(instagramtest.WithSeed(7))
		for _, f := range readFaults {
			srv.InjectFault(f)
		}
		c, err := srv.Client(readRetries)
		require.NoError(b, err)
		out := runFaultyReads(srv, c, reads)
		srv.Close()
		if out.ok+out.typed != reads {
			b.Errorf("%d reads ended neither well nor with a typed error: %v", reads-int(out.ok+out.typed), out.untyped)
		}
		b.ReportMetric(float64(out.typed)*100/reads, "typed-%")
		b.ReportMetric(float64(len(out.untyped)), "untyped")
	}
}
