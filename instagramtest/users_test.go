package instagramtest

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMeWithoutFieldsIsJustID(t *testing.T) {
	s := newTestServer(t)
	a := get(t, s, s.AccessToken, "/v25.0/me")
	require.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, map[string]any{"id": s.UserID}, a.JSON)
	assert.Regexp(t, `^17841[0-9]{12}$`, s.UserID)
}

func TestMeInstagramLogin(t *testing.T) {
	s := newTestServer(t)
	acct := s.Account()
	a := get(t, s, s.AccessToken, "/v25.0/me?fields=user_id,username,account_type,name,biography,website,profile_picture_url,followers_count,follows_count,media_count")
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	assert.Equal(t, s.UserID, a.JSON["user_id"])
	assert.Equal(t, acct.Username, a.JSON["username"])
	assert.Equal(t, "BUSINESS", a.JSON["account_type"])
	assert.Equal(t, acct.Name, a.JSON["name"])
	assert.Equal(t, acct.Biography, a.JSON["biography"])
	assert.Equal(t, acct.Website, a.JSON["website"])
	assert.Equal(t, acct.ProfilePictureURL, a.JSON["profile_picture_url"])
	assert.EqualValues(t, acct.FollowersCount, a.JSON["followers_count"])
	assert.EqualValues(t, acct.FollowsCount, a.JSON["follows_count"])
	assert.EqualValues(t, len(s.Media()), a.JSON["media_count"])
	assert.Equal(t, acct.MediaCount, len(s.Media()))
	assert.Equal(t, s.UserID, a.JSON["id"])
	// Fields come back in the order asked, id last when not asked.
	assert.True(t, strings.HasPrefix(string(a.Raw), `{"user_id":`), string(a.Raw))
	assert.True(t, strings.HasSuffix(string(a.Raw), `"id":"`+s.UserID+`"}`), string(a.Raw))

	// The same account read by id.
	b := get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"?fields=username")
	assert.Equal(t, map[string]any{"username": acct.Username, "id": s.UserID}, b.JSON)

	// Facebook Login fields do not exist on graph.instagram.com.
	c := get(t, s, s.AccessToken, "/v25.0/me?fields=ig_id")
	assert.Equal(t, "(#100) Tried accessing nonexisting field (ig_id) on node type (User)", c.graphErr(t)["message"])
}

func TestFacebookLoginUserAndAccount(t *testing.T) {
	s := newTestServer(t)
	a := get(t, s, s.FacebookAccessToken, "/v25.0/me?fields=id,name")
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	assert.Equal(t, s.FacebookUserID, a.JSON["id"])
	assert.NotEmpty(t, a.JSON["name"])

	acct := s.Account()
	b := get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"?fields=ig_id,username,media_count,has_profile_pic")
	require.Equal(t, http.StatusOK, b.Status, string(b.Raw))
	assert.EqualValues(t, acct.IGID, b.JSON["ig_id"])
	assert.Equal(t, acct.Username, b.JSON["username"])
	assert.Equal(t, true, b.JSON["has_profile_pic"])

	c := get(t, s, s.FacebookAccessToken, "/v25.0/"+s.UserID+"?fields=user_id")
	assert.Equal(t, "(#100) Tried accessing nonexisting field (user_id) on node type (IGUser)", c.graphErr(t)["message"])
}

func TestPageTokenAndPage(t *testing.T) {
	s := newTestServer(t)
	a := get(t, s, s.PageAccessToken, "/v25.0/me?fields=name,instagram_business_account{id,username}")
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	assert.Equal(t, s.PageID, a.JSON["id"])
	iba := a.JSON["instagram_business_account"].(map[string]any)
	assert.Equal(t, s.UserID, iba["id"])
	assert.Equal(t, s.Account().Username, iba["username"])

	// The Page's token is visible to its Facebook user only.
	b := get(t, s, s.FacebookAccessToken, "/v25.0/"+s.PageID+"?fields=access_token")
	assert.Equal(t, s.PageAccessToken, b.JSON["access_token"])

	// Pages do not exist on graph.instagram.com.
	c := get(t, s, s.AccessToken, "/v25.0/"+s.PageID)
	code, sub := c.code(t)
	assert.Equal(t, [2]int{100, 33}, [2]int{code, sub})
}

func TestAppTokenHasNoMe(t *testing.T) {
	s := newTestServer(t)
	a := get(t, s, s.AppAccessToken(), "/v25.0/me")
	code, _ := a.code(t)
	assert.Equal(t, 2500, code)
	assert.Equal(t, "An active access token must be used to query information about the current user.", a.graphErr(t)["message"])
	// but it is a valid token for objects
	b := get(t, s, s.AppAccessToken(), "/v25.0/"+s.UserID+"?fields=username")
	assert.Equal(t, http.StatusOK, b.Status)
}

func TestMediaEdgePaging(t *testing.T) {
	s := newTestServer(t)
	want := s.Media()
	require.GreaterOrEqual(t, len(want), 60)

	a := get(t, s, s.AccessToken, "/v25.0/me/media")
	var got []string
	pages := 0
	for {
		pages++
		items := data(t, a)
		require.LessOrEqual(t, len(items), 25)
		for _, it := range items {
			assert.Equal(t, []string{"id"}, keys(it), "default fields of /media are id only")
			got = append(got, it["id"].(string))
		}
		p := paging(a)
		require.NotNil(t, p, string(a.Raw))
		cur := p["cursors"].(map[string]any)
		assert.NotEmpty(t, cur["before"])
		assert.NotEmpty(t, cur["after"])
		if pages == 1 {
			assert.NotContains(t, p, "previous")
		} else {
			assert.Contains(t, p, "previous")
		}
		next, ok := p["next"].(string)
		if !ok {
			break
		}
		u, err := url.Parse(next)
		require.NoError(t, err)
		assert.Equal(t, s.URL, u.Scheme+"://"+u.Host)
		assert.Equal(t, "/v25.0/me/media", u.Path)
		assert.Equal(t, s.AccessToken, u.Query().Get("access_token"), "next links carry the token")
		assert.Equal(t, "25", u.Query().Get("limit"))
		assert.Equal(t, cur["after"], u.Query().Get("after"))
		a = getURL(t, next) // no header: the token comes from the link
	}
	assert.Equal(t, (len(want)+24)/25, pages)
	ids := make([]string, len(want))
	for i, m := range want {
		ids[i] = m.ID
	}
	assert.Equal(t, ids, got)
}

func TestMediaEdgePreviousLink(t *testing.T) {
	s := newTestServer(t)
	first := get(t, s, s.AccessToken, "/v25.0/me/media?limit=10")
	second := getURL(t, paging(first)["next"].(string))
	prev := getURL(t, paging(second)["previous"].(string))
	assert.Equal(t, data(t, first), data(t, prev))
}

func TestMediaEdgeLimit(t *testing.T) {
	s := newTestServer(t, WithMediaCount(130))
	assert.Len(t, data(t, get(t, s, s.AccessToken, "/v25.0/me/media?limit=5")), 5)
	assert.Len(t, data(t, get(t, s, s.AccessToken, "/v25.0/me/media?limit=500")), 100)
	assert.Len(t, data(t, get(t, s, s.AccessToken, "/v25.0/me/media?limit=0")), 25)
	last := get(t, s, s.AccessToken, "/v25.0/me/media?limit=100")
	rest := getURL(t, paging(last)["next"].(string))
	assert.Len(t, data(t, rest), 30)
	assert.NotContains(t, paging(rest), "next")
}

func TestMediaEdgeSinceUntil(t *testing.T) {
	s := newTestServer(t)
	all := s.Media()
	since, until := all[20].Timestamp, all[10].Timestamp
	q := url.Values{"since": {strconv.FormatInt(since.Unix(), 10)}, "until": {strconv.FormatInt(until.Unix(), 10)}, "limit": {"100"}}
	a := get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/media?"+q.Encode())
	var got []string
	for _, it := range data(t, a) {
		got = append(got, it["id"].(string))
	}
	var want []string
	for _, m := range all[10:21] {
		want = append(want, m.ID)
	}
	assert.Equal(t, want, got)

	bad := get(t, s, s.AccessToken, "/v25.0/me/media?since=yesterday-ish")
	code, _ := bad.code(t)
	assert.Equal(t, 100, code)
}

func TestMediaEdgeBadCursor(t *testing.T) {
	s := newTestServer(t)
	a := get(t, s, s.AccessToken, "/v25.0/me/media?after=bm90LWEtY3Vyc29y")
	code, _ := a.code(t)
	assert.Equal(t, 100, code)
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
