package instagram_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// TestThousandGoroutinesShareOneClient runs 1,000 goroutines against the
// fake server through one Client (run it with -race). Afterwards every
// call has been answered once and the client's usage state matches what
// the server reports. The fake runs on the in-memory network of
// bubbleFake, in a synctest bubble.
func TestThousandGoroutinesShareOneClient(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, c := bubbleClient(t, []instagramtest.Option{instagramtest.WithRateLimit(10000, 3600e9)})
		var err error
		media := srv.Media()
		ctx := context.Background()
		const goroutines, each = 1000, 3
		var failures atomic.Int64
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for i := range each {
					var err error
					switch (g + i) % 3 {
					case 0:
						_, err = c.Users.Me(ctx, nil)
					case 1:
						_, err = c.Media.Get(ctx, media[(g+i)%len(media)].ID, nil)
					default:
						_, err = c.Media.List(ctx, srv.UserID, &instagram.ListOptions{Limit: 3})
					}
					if err != nil {
						failures.Add(1)
					}
					_ = c.Usage()
				}
			})
		}
		wg.Wait()
		require.Zero(t, failures.Load())
		st := srv.Stats()
		assert.Equal(t, goroutines*each, st.Calls)

		// One more call: the usage the client keeps is exactly the usage this
		// answer carried, and the server's count.
		var resp instagram.Response
		_, err = c.Users.Me(instagram.CaptureResponse(ctx, &resp), nil)
		require.NoError(t, err)
		u := c.Usage()
		require.NotNil(t, u.App)
		assert.Equal(t, *resp.Usage.App, *u.App)
		assert.Equal(t, (goroutines*each+1)*100/10000, u.App.CallCount)
		assert.Equal(t, resp.Usage.Business[srv.UserID], u.Business[srv.UserID])
	})
}
