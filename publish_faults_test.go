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

// TestPublishesUnderFaults publishes 500 images while the fake server
// faults about a fifth of all answers: 500s, bodiless 502s, dropped
// connections, delays, and writes that take effect while their answer is
// lost. Each publish must end in exactly one post, or in a typed error;
// no caption may appear twice, and a post that exists after an error must
// have been reported by that error. Every kind of fault must have hit
// ten requests at least (one per fifty publishes; each hits dozens). It
// runs in a synctest bubble on the in-memory network (bubbleFake), so
// delays, status polls and backoffs take no real time.
func TestPublishesUnderFaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const publishes, workers = 500, 8
		srv, tr := bubbleFake(t, instagramtest.WithSeed(11), instagramtest.WithMediaCount(60),
			instagramtest.WithPublishLimit(publishes+100), instagramtest.WithContainerPolls(1))
		for _, f := range []instagramtest.Fault{
			{Kind: instagramtest.FaultDelay(time.Millisecond), Probability: 0.04},
			{Kind: instagramtest.FaultStatus500, Probability: 0.04},
			{Kind: instagramtest.FaultBodiless502, Probability: 0.04},
			{Method: "GET", Kind: instagramtest.FaultDrop, Probability: 0.04},
			{Method: "POST", Kind: instagramtest.FaultApplyThenDrop, Probability: 0.06},
		} {
			srv.InjectFault(f)
		}
		counter := &delayCounter{next: tr, min: time.Millisecond}
		c, err := srv.Client(instagram.WithHTTPClient(&http.Client{Transport: counter}), instagram.WithRetryPolicy(instagram.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}))
		require.NoError(t, err)
		wait := instagram.WaitOptions{Interval: time.Millisecond, MaxInterval: 5 * time.Millisecond, MaxWait: 10 * time.Second}

		type outcome struct {
			media *instagram.Media
			err   error
		}
		results := make([]outcome, publishes)
		var next atomic.Int64
		var wg sync.WaitGroup
		ctx := context.Background()
		for range workers {
			wg.Go(func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= publishes {
						return
					}
					m, err := c.Media.PublishImage(ctx, srv.UserID, fmt.Sprintf("https://cdn.example.test/p/%d.jpg", i),
						&instagram.PublishOptions{Caption: fmt.Sprintf("post number %d", i), Wait: wait})
					results[i] = outcome{m, err}
				}
			})
		}
		wg.Wait()

		byCaption := map[string][]string{}
		for _, m := range srv.Media() {
			byCaption[m.Caption] = append(byCaption[m.Caption], m.ID)
		}
		var posted, failed, duplicates, unreported, untyped int
		kinds := map[string]int{}
		for i, r := range results {
			ids := byCaption[fmt.Sprintf("post number %d", i)]
			if len(ids) > 1 {
				duplicates++
			}
			if r.err == nil {
				posted++
				if assert.Len(t, ids, 1, "publish %d returned media but the server has %v", i, ids) {
					assert.Equal(t, ids[0], r.media.ID)
				}
				continue
			}
			failed++
			var (
				unconfirmed *instagram.UnconfirmedPublishError
				readBack    *instagram.ReadBackError
				netErr      *instagram.NetworkError
			)
			switch {
			case errors.As(r.err, &unconfirmed):
				kinds["unconfirmed"]++
			case errors.As(r.err, &readBack):
				kinds["read-back"]++
				if len(ids) == 1 {
					assert.Equal(t, ids[0], readBack.MediaID)
				}
			case errors.Is(r.err, instagram.ErrTransient), errors.As(r.err, &netErr):
				kinds["transient"]++
				if len(ids) > 0 {
					unreported++ // a post exists and the error says nothing of it
					t.Errorf("publish %d: post %v exists, error does not report it: %v", i, ids, r.err)
				}
			default:
				untyped++
				t.Errorf("publish %d: untyped error %v", i, r.err)
			}
		}
		st := srv.Stats()
		seen := map[string]int{"delay": int(counter.delayed.Load())}
		for _, r := range srv.Requests() {
			switch {
			case r.Status == http.StatusInternalServerError:
				seen["500"]++
			case r.Status == http.StatusBadGateway:
				seen["502"]++
			case r.Status == 0 && r.Method == "GET":
				seen["drop"]++
			case r.Status == 0:
				seen["apply then drop"]++
			}
		}
		t.Logf("publishes %d: posted %d, failed %d %v; duplicates %d, unreported posts %d; server requests %d, faulted %d %v",
			publishes, posted, failed, kinds, duplicates, unreported, st.Requests, st.Faulted, seen)
		for _, k := range []string{"delay", "500", "502", "drop", "apply then drop"} {
			assert.GreaterOrEqual(t, seen[k], publishes/50, "fault %s hit few requests", k)
		}
		assert.Zero(t, duplicates, "a publish posted twice")
		assert.Zero(t, unreported)
		assert.Zero(t, untyped)
		assert.Greater(t, st.Faulted, publishes/2, "the faults fired")
		assert.Greater(t, posted, publishes/2)
	})
}
