package instagram_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// exactlyOnceRuns is how many publishes each exactly-once test makes. The
// tests run in synctest bubbles on the in-memory network (bubbleFake), so
// status polls and backoffs take no real time.
const exactlyOnceRuns = 200

// publishKind publishes run i as one of the four kinds of media.
func publishKind(ctx context.Context, c *instagram.Client, userID string, i int) (*instagram.Media, error) {
	o := &instagram.PublishOptions{Caption: fmt.Sprintf("run %d", i), Wait: fastWait}
	img := func(n int) string { return fmt.Sprintf("https://cdn.example.com/%d-%d.jpg", i, n) }
	switch i % 4 {
	case 1:
		return c.Media.PublishReel(ctx, userID, instagram.VideoSource{URL: fmt.Sprintf("https://cdn.example.com/%d.mp4", i)}, o)
	case 2:
		return c.Media.PublishStory(ctx, userID, instagram.StorySource{ImageURL: img(0)}, &instagram.PublishOptions{Wait: fastWait})
	case 3:
		return c.Media.PublishCarousel(ctx, userID, []instagram.CarouselItem{{ImageURL: img(1)}, {ImageURL: img(2)}}, o)
	}
	return c.Media.PublishImage(ctx, userID, img(0), o)
}

// published counts the account's feed media and stories.
func published(srv *instagramtest.Server) int { return len(srv.Media()) + len(srv.Stories()) }

// TestPublishExactlyOnceWhenTheAnswerIsLost drops the connection of every
// media_publish after the server applied it: the SDK must find the new
// media through the container's status and never publish again.
func TestPublishExactlyOnceWhenTheAnswerIsLost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, c := bubblePublishFake(t, instagramtest.WithPublishLimit(10*exactlyOnceRuns))
		ctx := context.Background()
		start := published(srv)
		duplicates := 0
		for i := range exactlyOnceRuns {
			srv.InjectFault(instagramtest.Fault{Method: "POST", Path: "/*/media_publish", Kind: instagramtest.FaultApplyThenDrop, Times: 1})
			before := published(srv)
			m, err := publishKind(ctx, c, srv.UserID, i)
			require.NoError(t, err, "run %d", i)
			created := published(srv) - before
			duplicates += max(0, created-1)
			require.Equal(t, 1, created, "run %d", i)
			snap, ok := srv.MediaByID(m.ID)
			require.True(t, ok, "run %d returned an unknown media", i)
			assert.Equal(t, m.Permalink, snap.Permalink)
			srv.ClearFaults()
		}
		t.Logf("exactly once, answer lost after publishing: %d runs, %d duplicates", exactlyOnceRuns, duplicates)
		assert.Zero(t, duplicates)
		assert.Equal(t, start+exactlyOnceRuns, published(srv))
		assert.Equal(t, exactlyOnceRuns, srv.PublishQuotaUsed())
		assert.Equal(t, exactlyOnceRuns, srv.RequestCount("POST", "/*/media_publish"), "no publish was sent twice")
		assert.Equal(t, exactlyOnceRuns, srv.Stats().Faulted)
	})
}

// TestPublishExactlyOnceUnderMixedFaults mixes lost answers with failures
// that happen before the server acts (dropped request, 500, bodiless 502):
// those must be published again, the others must not.
func TestPublishExactlyOnceUnderMixedFaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, c := bubblePublishFake(t, instagramtest.WithPublishLimit(10*exactlyOnceRuns))
		ctx := context.Background()
		r := rand.New(rand.NewPCG(5, 7))
		kinds := []instagramtest.FaultKind{
			instagramtest.FaultApplyThenDrop, instagramtest.FaultDrop,
			instagramtest.FaultStatus500, instagramtest.FaultBodiless502,
		}
		duplicates, missing, resent := 0, 0, 0
		for i := range exactlyOnceRuns {
			k := kinds[r.IntN(len(kinds))]
			srv.InjectFault(instagramtest.Fault{Method: "POST", Path: "/*/media_publish", Kind: k, Times: 1})
			before := published(srv)
			sends := srv.RequestCount("POST", "/*/media_publish")
			_, err := publishKind(ctx, c, srv.UserID, i)
			require.NoError(t, err, "run %d (%s)", i, k)
			created := published(srv) - before
			duplicates += max(0, created-1)
			if created == 0 {
				missing++
			}
			n := srv.RequestCount("POST", "/*/media_publish") - sends
			if k == instagramtest.FaultApplyThenDrop {
				assert.Equal(t, 1, n, "run %d: a publish that took effect is not sent again", i)
			} else {
				assert.Equal(t, 2, n, "run %d: a publish that did not take effect is sent again", i)
				resent++
			}
			srv.ClearFaults()
		}
		t.Logf("exactly once, mixed faults: %d runs (%d published again after a failure before the server acted), %d duplicates, %d lost",
			exactlyOnceRuns, resent, duplicates, missing)
		assert.Zero(t, duplicates)
		assert.Zero(t, missing)
		assert.Equal(t, exactlyOnceRuns, srv.PublishQuotaUsed())
	})
}

// TestPublishExactlyOnceConcurrently publishes from several goroutines at
// once while answers are lost: each must recognise its own media among the
// others created at the same time.
func TestPublishExactlyOnceConcurrently(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const workers, each = 8, 10
		srv, c := bubblePublishFake(t, instagramtest.WithPublishLimit(1000))
		srv.InjectFault(instagramtest.Fault{Method: "POST", Path: "/*/media_publish", Kind: instagramtest.FaultApplyThenDrop, Probability: 0.5})
		ctx := context.Background()
		start := published(srv)
		var (
			mu  sync.Mutex
			ids = map[string]string{}
			wg  sync.WaitGroup
		)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range each {
					i := w*each + j
					if i%4 == 2 {
						i++ // stories carry no caption to tell them apart
					}
					m, err := publishKind(ctx, c, srv.UserID, i)
					if !assert.NoError(t, err) {
						return
					}
					mu.Lock()
					ids[m.ID] = fmt.Sprintf("run %d", i)
					mu.Unlock()
					snap, _ := srv.MediaByID(m.ID)
					assert.Equal(t, fmt.Sprintf("run %d", i), snap.Caption, "the media found is the one published")
				}
			}()
		}
		wg.Wait()
		assert.Len(t, ids, workers*each, "every publish returned its own media")
		assert.Equal(t, start+workers*each, published(srv), "no duplicates")
		assert.Greater(t, srv.Stats().Faulted, 0)
	})
}
