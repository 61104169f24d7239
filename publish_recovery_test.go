package instagram_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// Two publishes with the same caption whose media_publish answers are
// both lost: each caller gets a media of its own, never the same one.
func TestPublishRecoveryNeverSharesAMedia(t *testing.T) {
	for run := range 20 {
		srv := instagramtest.NewServer(instagramtest.WithSeed(int64(run)), instagramtest.WithMediaCount(3))
		srv.InjectFault(instagramtest.Fault{Method: "POST", Path: "/*/media_publish", Kind: instagramtest.FaultApplyThenDrop, Times: 2})
		c, err := srv.Client(instagram.WithRetryPolicy(instagram.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
		require.NoError(t, err)
		wait := instagram.WaitOptions{Interval: time.Millisecond, MaxInterval: 2 * time.Millisecond, MaxWait: 10 * time.Second}

		var wg sync.WaitGroup
		ids := make([]string, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m, err := c.Media.PublishImage(context.Background(), srv.UserID,
					fmt.Sprintf("https://example.com/%d.jpg", i), &instagram.PublishOptions{Caption: "daily post", Wait: wait})
				errs[i] = err
				if m != nil {
					ids[i] = m.ID
				}
			}()
		}
		wg.Wait()
		srv.Close()
		require.NoError(t, errs[0], "run %d", run)
		require.NoError(t, errs[1], "run %d", run)
		assert.NotEqual(t, ids[0], ids[1], "run %d: one media returned to two callers", run)
		assert.Equal(t, 2, srv.RequestCount("POST", "/*/media_publish"), "run %d: each container published once", run)
	}
}

// Container creation whose answers are all lost stops after two sends:
// two lost answers cannot make a third container.
func TestContainerCreationRetriesAreBounded(t *testing.T) {
	srv := instagramtest.NewServer()
	t.Cleanup(srv.Close)
	srv.InjectFault(instagramtest.Fault{Method: "POST", Path: "/*/media", Kind: instagramtest.FaultApplyThenDrop})
	c, err := srv.Client(instagram.WithRetryPolicy(instagram.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	_, err = c.Media.CreateContainer(context.Background(), srv.UserID,
		&instagram.ContainerOptions{MediaType: instagram.ContainerImage, ImageURL: "https://example.com/a.jpg"})
	require.Error(t, err)
	assert.Equal(t, 2, srv.RequestCount("POST", "/*/media"), "at most two container requests")
}
