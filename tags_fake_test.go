package instagram_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// tagsClock is a settable clock for the fake server.
type tagsClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *tagsClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *tagsClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestFakeHashtagSearchGetAndMedia(t *testing.T) {
	srv, ig, fb := contentFake(t)
	acct := srv.Account()

	h, err := fb.Tags.Search(rctx, acct.ID, "#Coffee")
	require.NoError(t, err)
	again, err := fb.Tags.Search(rctx, acct.ID, "coffee")
	require.NoError(t, err)
	assert.Equal(t, h.ID, again.ID, "hashtag ids are stable")
	got, err := fb.Tags.Get(rctx, h.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, "coffee", got.Name)

	top, err := fb.Tags.TopMedia(rctx, h.ID, acct.ID, &instagram.ListOptions{Limit: 10})
	require.NoError(t, err)
	require.Len(t, top.Data, 10)
	for i := 1; i < len(top.Data); i++ {
		assert.GreaterOrEqual(t, top.Data[i-1].LikeCount, top.Data[i].LikeCount, "top media by popularity")
	}
	assert.Contains(t, top.Data[0].Caption, "#coffee")

	n := 0
	cutoff := time.Now().Add(-24*time.Hour - time.Minute)
	var prev time.Time
	for m, err := range fb.Tags.AllRecentMedia(rctx, h.ID, acct.ID, &instagram.ListOptions{Limit: 7}) {
		require.NoError(t, err)
		assert.True(t, m.Timestamp.After(cutoff), "recent media are from the last 24 hours")
		if n > 0 {
			assert.False(t, m.Timestamp.After(prev), "newest first")
		}
		prev = m.Timestamp.Time
		n++
	}
	assert.Greater(t, n, 7, "several pages")
	total := 0
	for _, err := range fb.Tags.AllTopMedia(rctx, h.ID, acct.ID, &instagram.ListOptions{Limit: 50}) {
		require.NoError(t, err)
		total++
	}
	assert.GreaterOrEqual(t, total, 60)

	recent, err := fb.Tags.RecentlySearched(rctx, acct.ID, nil)
	require.NoError(t, err)
	require.Len(t, recent.Data, 1)
	assert.Equal(t, instagram.Hashtag{ID: h.ID, Name: "coffee"}, recent.Data[0])

	_, err = fb.Tags.TopMedia(rctx, h.ID, srv.Network().Accounts[0].ID, nil)
	assert.ErrorIs(t, err, instagram.ErrNotFound, "user_id must be the caller's account")
	_, err = ig.Tags.Search(rctx, acct.ID, "coffee")
	assert.Error(t, err, "Facebook Login only")
}

func TestFakeHashtagLimitIsTypedAndRolls(t *testing.T) {
	clk := &tagsClock{t: time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)}
	srv, _, _ := contentFake(t, instagramtest.WithClock(clk.Now))
	// The client's own quota would refuse the 31st first: turn it off to
	// see the fake's answer.
	fb, err := srv.FacebookClient(instagram.WithLimits(instagram.Limits{HashtagLimit: -1}))
	require.NoError(t, err)
	acct := srv.Account()
	var first *instagram.Hashtag
	for i := range 30 {
		h, err := fb.Tags.Search(rctx, acct.ID, fmt.Sprintf("tag%d", i))
		require.NoError(t, err, "search %d", i+1)
		if i == 0 {
			first = h
		}
		clk.Add(time.Hour)
	}
	_, err = fb.Tags.Search(rctx, acct.ID, "tag5")
	require.NoError(t, err, "a repeat does not count")
	_, err = fb.Tags.RecentMedia(rctx, first.ID, acct.ID, nil)
	require.NoError(t, err, "nor does reading a counted hashtag's media")

	_, err = fb.Tags.Search(rctx, acct.ID, "thirtyfirst")
	require.ErrorIs(t, err, instagram.ErrHashtagLimit)
	var apiErr *instagram.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 24, apiErr.Code)
	assert.False(t, instagram.IsRetryable(err))

	n := 0
	for _, err := range fb.Tags.AllRecentlySearched(rctx, acct.ID, &instagram.ListOptions{Limit: 8}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 30, n)

	clk.Add(7*24*time.Hour - 30*time.Hour + time.Minute) // tag0 leaves the window
	_, err = fb.Tags.Search(rctx, acct.ID, "thirtyfirst")
	require.NoError(t, err)
	_, err = fb.Tags.Search(rctx, acct.ID, "thirtysecond")
	assert.ErrorIs(t, err, instagram.ErrHashtagLimit)
}

func TestFakeHashtagQuotaFailsBeforeTheServer(t *testing.T) {
	srv, _, fb := contentFake(t)
	acct := srv.Account()
	for i := range instagram.HashtagSearchLimit {
		_, err := fb.Tags.Search(rctx, acct.ID, fmt.Sprintf("q%d", i))
		require.NoError(t, err)
	}
	before := srv.RequestCount("GET", "/ig_hashtag_search")
	require.Equal(t, instagram.HashtagSearchLimit, before)
	_, err := fb.Tags.Search(rctx, acct.ID, "Q3")
	require.NoError(t, err, "a repeat costs nothing")
	_, err = fb.Tags.Search(rctx, acct.ID, "onemore")
	var le *instagram.HashtagLimitError
	require.ErrorAs(t, err, &le)
	assert.ErrorIs(t, err, instagram.ErrHashtagLimit)
	assert.Equal(t, before+1, srv.RequestCount("GET", "/ig_hashtag_search"), "the 31st never reached the server")
}
