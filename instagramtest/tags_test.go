package instagramtest

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func hashtagSearch(t *testing.T, s *Server, token, q string) answer {
	t.Helper()
	return get(t, s, token, "/v25.0/ig_hashtag_search?user_id="+s.UserID+"&q="+url.QueryEscape(q))
}

func TestHashtagSearchWire(t *testing.T) {
	s := newTestServer(t)
	a := hashtagSearch(t, s, s.FacebookAccessToken, "#Developers")
	rows := data(t, a)
	require.Len(t, rows, 1)
	id := rows[0]["id"].(string)
	assert.Regexp(t, `^178415[0-9]{11}$`, id)
	assert.Equal(t, map[string]any{"id": id}, rows[0])

	b := hashtagSearch(t, newTestServer(t, WithSeed(99)), "", "developers")
	code, _ := b.code(t)
	assert.Equal(t, 104, code, "a token is required")

	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+id)
	assert.Equal(t, map[string]any{"id": id, "name": "developers"}, a.JSON)
	a = get(t, s, s.AccessToken, "/v25.0/"+id)
	_, sub := a.code(t)
	assert.Equal(t, 33, sub, "hashtags exist on graph.facebook.com only")

	for q, want := range map[string]int{"": 100, "two words": 100} {
		code, _ := hashtagSearch(t, s, s.FacebookAccessToken, q).code(t)
		assert.Equal(t, want, code, q)
	}
	a = get(t, s, s.FacebookAccessToken, "/v25.0/ig_hashtag_search?q=x")
	code, _ = a.code(t)
	assert.Equal(t, 100, code, "user_id is required")
}

func TestHashtagLimitWire(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now))
	for i := range hashtagLimit {
		require.Equal(t, http.StatusOK, hashtagSearch(t, s, s.FacebookAccessToken, fmt.Sprintf("h%d", i)).Status)
	}
	a := hashtagSearch(t, s, s.FacebookAccessToken, "h30")
	require.Equal(t, http.StatusBadRequest, a.Status)
	e := a.graphErr(t)
	assert.EqualValues(t, 24, e["code"])
	assert.Equal(t, "OAuthException", e["type"])
	assert.Contains(t, e["message"], "Hashtag search limit")
	assert.Contains(t, e["message"], "30 unique hashtags")

	// A counted hashtag stays free; another account is separate.
	assert.Equal(t, http.StatusOK, hashtagSearch(t, s, s.PageAccessToken, "h3").Status)
	s.mu.Lock()
	other := ext[hashtagState](s)
	assert.Len(t, other.queried[s.UserID], hashtagLimit)
	s.mu.Unlock()

	// recent_media of an uncounted hashtag counts too, and is refused.
	s.mu.Lock()
	h := hashtagNamed(s, "neverqueried")
	s.mu.Unlock()
	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+h.ID+"/recent_media?user_id="+s.UserID)
	code, _ := a.code(t)
	assert.Equal(t, 24, code)

	clk.Advance(hashtagWindow)
	assert.Equal(t, http.StatusOK, hashtagSearch(t, s, s.FacebookAccessToken, "h30").Status, "the window rolled")
	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"/recently_searched_hashtags")
	rows := data(t, a)
	require.Len(t, rows, 1)
	assert.Equal(t, "h30", rows[0]["name"])
}

func TestHashtagMediaWire(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now))
	id := data(t, hashtagSearch(t, s, s.FacebookAccessToken, "handmade"))[0]["id"].(string)

	a := get(t, s, s.FacebookAccessToken, "/v25.0/"+id+"/top_media?user_id="+s.UserID+"&limit=80&fields=id,like_count,caption,timestamp")
	rows := data(t, a)
	assert.Len(t, rows, 50, "pages hold at most 50")
	for i := 1; i < len(rows); i++ {
		assert.GreaterOrEqual(t, rows[i-1]["like_count"], rows[i]["like_count"])
	}
	// Seeded captions carrying #handmade (the account's and others') are
	// among the media, besides the 60 generated ones.
	s.mu.Lock()
	tagged := 0
	for _, o := range s.objects {
		if m, ok := o.value.(*media); ok && hasTag(m.Caption, "handmade") && !m.isCarouselItem() && m.ProductType != "STORY" {
			tagged++
		}
	}
	s.mu.Unlock()
	require.Greater(t, tagged, 60)
	seen := map[string]bool{}
	total := 0
	next := "/v25.0/" + id + "/top_media?user_id=" + s.UserID + "&limit=50"
	for next != "" {
		a := get(t, s, s.FacebookAccessToken, next)
		for _, r := range data(t, a) {
			seen[r["id"].(string)] = true
			total++
		}
		next = ""
		if n, ok := paging(a)["next"].(string); ok {
			u, err := url.Parse(n)
			require.NoError(t, err)
			next = u.RequestURI()
		}
	}
	assert.Equal(t, tagged, total)
	assert.Len(t, seen, total, "no media twice")

	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+id+"/recent_media?user_id="+s.UserID+"&fields=timestamp&limit=50")
	cutoff := clk.Now().Add(-24 * time.Hour)
	for _, r := range data(t, a) {
		ts, err := time.Parse(graphTime, r["timestamp"].(string))
		require.NoError(t, err)
		assert.True(t, ts.After(cutoff))
	}

	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+id+"/top_media?user_id="+s.UserID+"&fields=id,username")
	code, _ := a.code(t)
	assert.Equal(t, 100, code, "username cannot be asked for")
	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+id+"/top_media")
	code, _ = a.code(t)
	assert.Equal(t, 100, code, "user_id is required")

	assert.True(t, hasTag("love #Handmade!", "handmade"))
	assert.False(t, hasTag("#handmadegoods", "handmade"))
}
