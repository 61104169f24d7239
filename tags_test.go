package instagram_test

import (
	"fmt"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

func TestTagsSearchAndGet(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/ig_hashtag_search", recordTo(&got, 200, `{"data":[{"id":"17841562426109234"}]}`))
	mt.RegisterResponder("GET", testBase+"/v25.0/17841562426109234", recordTo(&got, 200, `{"id":"17841562426109234","name":"developers"}`))

	h, err := c.Tags.Search(rctx, "1784", "#Developers")
	require.NoError(t, err)
	assert.Equal(t, "17841562426109234", h.ID)
	assert.Equal(t, "Developers", h.Name)
	assert.Equal(t, "1784", got[0].Query.Get("user_id"))
	assert.Equal(t, "Developers", got[0].Query.Get("q"))

	h, err = c.Tags.Get(rctx, "17841562426109234", nil)
	require.NoError(t, err)
	assert.Equal(t, "developers", h.Name)
	assert.Equal(t, "id,name", got[1].Query.Get("fields"))

	for _, bad := range []string{"", "#", "two words", "semi;colon"} {
		_, err := c.Tags.Search(rctx, "1784", bad)
		assert.ErrorIs(t, err, instagram.ErrValidation, bad)
	}
	assert.Len(t, got, 2)
}

func TestTagsSearchWithoutResultIsNotFound(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	mt.RegisterResponder("GET", testBase+"/v25.0/ig_hashtag_search", jsonResponder(200, `{"data":[]}`))
	_, err := c.Tags.Search(rctx, "1784", "zzzz")
	assert.ErrorIs(t, err, instagram.ErrNotFound)
}

func TestTagsHashtagLimitAnswerIsTyped(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	mt.RegisterResponder("GET", testBase+"/v25.0/ig_hashtag_search", jsonResponder(400,
		`{"error":{"message":"(#24) Hashtag search limit reached: an account can query at most 30 unique hashtags within 7 days","type":"OAuthException","code":24,"fbtrace_id":"X"}}`))
	_, err := c.Tags.Search(rctx, "1784", "coffee")
	require.ErrorIs(t, err, instagram.ErrHashtagLimit)
	assert.NotErrorIs(t, err, instagram.ErrValidation)
	assert.False(t, instagram.IsRetryable(err))
}

func TestTagsTopAndRecentMedia(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []wireCall
	for _, edge := range []string{"top_media", "recent_media"} {
		mt.RegisterResponder("GET", testBase+"/v25.0/17843/"+edge, func(r *http.Request) (*http.Response, error) {
			if r.URL.Query().Get("after") == "" {
				return recordTo(&got, 200, `{"data":[{"id":"1","media_type":"IMAGE","like_count":5},{"id":"2"}],"paging":{"cursors":{"after":"QVFI"},"next":"https://graph.test/v25.0/17843/x?after=QVFI"}}`)(r)
			}
			return recordTo(&got, 200, `{"data":[{"id":"3"}]}`)(r)
		})
	}
	page, err := c.Tags.TopMedia(rctx, "17843", "1784", &instagram.ListOptions{Limit: 2})
	require.NoError(t, err)
	require.Len(t, page.Data, 2)
	assert.Equal(t, 5, page.Data[0].LikeCount)
	assert.Equal(t, "1784", got[0].Query.Get("user_id"))
	assert.Equal(t, "2", got[0].Query.Get("limit"))
	assert.NotContains(t, got[0].Query.Get("fields"), "username")

	page, err = c.Tags.RecentMedia(rctx, "17843", "1784", &instagram.ListOptions{Fields: []string{"id", "caption"}})
	require.NoError(t, err)
	assert.Len(t, page.Data, 2)
	assert.Equal(t, "id,caption", got[1].Query.Get("fields"))

	for _, all := range []func() func(func(instagram.Media, error) bool){
		func() func(func(instagram.Media, error) bool) { return c.Tags.AllTopMedia(rctx, "17843", "1784", nil) },
		func() func(func(instagram.Media, error) bool) {
			return c.Tags.AllRecentMedia(rctx, "17843", "1784", nil)
		},
	} {
		n := len(got)
		var ids []string
		for m, err := range all() {
			require.NoError(t, err)
			ids = append(ids, m.ID)
		}
		assert.Equal(t, []string{"1", "2", "3"}, ids)
		assert.Equal(t, "1784", got[n+1].Query.Get("user_id"), "user_id kept on later pages")
	}

	_, err = c.Tags.TopMedia(rctx, "17843", "", nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)
	_, err = c.Tags.RecentMedia(rctx, "17843", "1784", &instagram.ListOptions{Limit: 51})
	assert.ErrorIs(t, err, instagram.ErrValidation)
	_, err = c.Tags.TopMedia(rctx, "17843", "1784", &instagram.ListOptions{Fields: []string{"username"}})
	assert.ErrorIs(t, err, instagram.ErrValidation)
}

func TestTagsRecentlySearched(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/1784/recently_searched_hashtags", recordTo(&got, 200,
		`{"data":[{"id":"17841593698074073","name":"coffee"},{"id":"17841562426109234","name":"developers"}],"paging":{"cursors":{"after":"X"}}}`))
	page, err := c.Tags.RecentlySearched(rctx, "1784", nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 2)
	assert.Equal(t, "coffee", page.Data[0].Name)
	assert.Equal(t, "id,name", got[0].Query.Get("fields"))
	var names []string
	for h, err := range c.Tags.AllRecentlySearched(rctx, "1784", nil) {
		require.NoError(t, err)
		names = append(names, h.Name)
	}
	assert.Equal(t, []string{"coffee", "developers"}, names)
}

// TestHashtagQuotaCountsUniqueTagsInWindow: the client's quota allows 30
// distinct hashtags per account in a rolling 7 days (on a fake clock),
// repeats cost nothing, accounts are separate, and a refused hashtag never
// reaches the API.
func TestHashtagQuotaCountsUniqueTagsInWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := newMockClient(t, instagram.WithPlatform(instagram.FacebookLogin))
		calls := 0
		mt.RegisterResponder("GET", testBase+"/v25.0/ig_hashtag_search", func(r *http.Request) (*http.Response, error) {
			calls++
			return jsonResponder(200, `{"data":[{"id":"1784100"}]}`)(r)
		})
		start := time.Now()
		for i := range 30 {
			_, err := c.Tags.Search(rctx, "1784", fmt.Sprintf("tag%d", i))
			require.NoError(t, err)
			time.Sleep(time.Minute)
		}
		_, err := c.Tags.Search(rctx, "1784", "#TAG3")
		require.NoError(t, err, "a repeat does not count")
		_, err = c.Tags.Search(rctx, "9999", "tag99")
		require.NoError(t, err, "accounts are separate")

		n := calls
		_, err = c.Tags.Search(rctx, "1784", "new")
		require.ErrorIs(t, err, instagram.ErrHashtagLimit)
		var le *instagram.HashtagLimitError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, start.Add(7*24*time.Hour), le.RetryAt)
		assert.Equal(t, 30, le.Limit)
		assert.Equal(t, n, calls, "refused before calling")

		time.Sleep(7*24*time.Hour - 30*time.Minute)
		_, err = c.Tags.Search(rctx, "1784", "new")
		require.NoError(t, err, "the oldest left the window")
		_, err = c.Tags.Search(rctx, "1784", "newer")
		assert.ErrorIs(t, err, instagram.ErrHashtagLimit)
	})
}
