package instagramtest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snapshot renders what a client sees of the account and its media, with
// the server's own address replaced.
func snapshot(t *testing.T, s *Server) string {
	t.Helper()
	var b strings.Builder
	b.Write(get(t, s, s.AccessToken, "/v25.0/me?fields=id,username,name,biography,website,profile_picture_url,followers_count,follows_count,media_count").Raw)
	next := s.URL + "/v25.0/me/media?limit=100&fields=id,caption,media_type,media_product_type,media_url,thumbnail_url,permalink,shortcode,timestamp,like_count,comments_count,children{id,media_type},comments{id,text,username,timestamp,replies{id,text}}&access_token=" + s.AccessToken
	for next != "" {
		a := getURL(t, next)
		b.Write(a.Raw)
		next, _ = paging(a)["next"].(string)
	}
	out := strings.ReplaceAll(b.String(), strings.ReplaceAll(s.URL, "/", `\/`), "<url>")
	return strings.ReplaceAll(out, s.AccessToken, "<token>")
}

func TestSeedIsDeterministic(t *testing.T) {
	clk := newFakeClock()
	a := newTestServer(t, WithSeed(42), WithClock(clk.Now))
	b := newTestServer(t, WithSeed(42), WithClock(clk.Now))
	assert.Equal(t, a.UserID, b.UserID)
	assert.Equal(t, a.PageID, b.PageID)
	assert.Equal(t, a.AppID, b.AppID)
	assert.Equal(t, a.AppSecret, b.AppSecret)
	assert.Equal(t, a.AccessToken, b.AccessToken)
	sa, sb := snapshot(t, a), snapshot(t, b)
	assert.Equal(t, sa, sb)
	assert.Contains(t, sa, `"media_type":"CAROUSEL_ALBUM"`)

	c := newTestServer(t, WithSeed(43), WithClock(clk.Now))
	assert.NotEqual(t, a.UserID, c.UserID)
	assert.NotEqual(t, sa, snapshot(t, c))
}

func TestSeedTimesFollowTheClock(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now))
	media := s.Media()
	require.NotEmpty(t, media)
	assert.True(t, media[0].Timestamp.Before(clk.Now()))
	for _, st := range s.Stories() {
		assert.True(t, st.Timestamp.Before(clk.Now()))
		assert.True(t, st.Timestamp.After(clk.Now().Add(-24*60*60*1e9)))
	}
}

func TestMediaCountOption(t *testing.T) {
	s := newTestServer(t, WithMediaCount(10))
	assert.Len(t, s.Media(), 10)
	assert.Equal(t, 10, s.Account().MediaCount)
	assert.Len(t, newTestServer(t).Media(), defaultMediaCount)
	empty := newTestServer(t, WithMediaCount(0))
	assert.Empty(t, data(t, get(t, empty, empty.AccessToken, "/v25.0/me/media")))
	assert.NotContains(t, get(t, empty, empty.AccessToken, "/v25.0/me/media").JSON, "paging")
}

func TestSeededInsights(t *testing.T) {
	s := newTestServer(t)
	acct := s.Account()
	assert.Len(t, acct.Insights.Daily["reach"], 30)
	total := 0
	for _, n := range acct.Insights.Demographics["gender"] {
		total += n
	}
	assert.Equal(t, acct.FollowersCount, total)
	for _, m := range s.Media() {
		assert.Equal(t, m.LikeCount, m.Insights["likes"])
		assert.Equal(t, m.CommentsCount, m.Insights["comments"])
		assert.GreaterOrEqual(t, m.Insights["views"], m.Insights["reach"])
		if m.MediaProductType == "REELS" {
			assert.Positive(t, m.Insights["ig_reels_avg_watch_time"])
		}
	}
	for _, st := range s.Stories() {
		assert.Contains(t, st.Insights, "navigation")
	}
}
