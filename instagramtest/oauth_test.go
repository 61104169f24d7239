package instagramtest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testRedirect = "https://app.example/callback?from=test"

// noRedirect is a client that returns redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorizeAt calls an authorize route and returns the redirect target.
func authorizeAt(t *testing.T, s *Server, path string, q url.Values) *url.URL {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path+"?"+q.Encode(), nil)
	require.NoError(t, err)
	a := send(t, noRedirect, req)
	require.Equalf(t, http.StatusFound, a.Status, "body %s", a.Raw)
	loc, err := url.Parse(a.Header.Get("Location"))
	require.NoError(t, err)
	return loc
}

func authorizeQuery(s *Server, scope, state string) url.Values {
	return url.Values{
		"client_id": {s.AppID}, "redirect_uri": {testRedirect}, "response_type": {"code"},
		"scope": {scope}, "state": {state},
	}
}

// igCode runs Instagram's authorization window and returns the code.
func igCode(t *testing.T, s *Server, scope string) string {
	t.Helper()
	loc := authorizeAt(t, s, "/oauth/authorize", authorizeQuery(s, scope, "st"))
	return loc.Query().Get("code")
}

func fbCode(t *testing.T, s *Server, scope string) string {
	t.Helper()
	loc := authorizeAt(t, s, "/v25.0/dialog/oauth", authorizeQuery(s, scope, "st"))
	return loc.Query().Get("code")
}

func igExchange(t *testing.T, s *Server, code string) answer {
	t.Helper()
	return postForm(t, s, "", "/oauth/access_token", url.Values{
		"client_id": {s.AppID}, "client_secret": {s.AppSecret}, "grant_type": {"authorization_code"},
		"redirect_uri": {testRedirect}, "code": {code},
	})
}

func fbExchange(t *testing.T, s *Server, code string) answer {
	t.Helper()
	q := url.Values{"client_id": {s.AppID}, "client_secret": {s.AppSecret}, "redirect_uri": {testRedirect}, "code": {code}}
	return get(t, s, "", "/v25.0/oauth/access_token?"+q.Encode())
}

func TestAuthorizeRedirectsWithCodeAndState(t *testing.T) {
	s := newTestServer(t)
	loc := authorizeAt(t, s, "/oauth/authorize", authorizeQuery(s, "instagram_business_basic,instagram_business_manage_comments", "xyz"))
	assert.Equal(t, "app.example", loc.Host)
	assert.Equal(t, "/callback", loc.Path)
	assert.Equal(t, "_", loc.Fragment, "Instagram appends #_")
	assert.Equal(t, "xyz", loc.Query().Get("state"))
	assert.Equal(t, "test", loc.Query().Get("from"), "the redirect URI's own query is kept")
	assert.True(t, strings.HasPrefix(loc.Query().Get("code"), "AQ"))

	fb := authorizeAt(t, s, "/v25.0/dialog/oauth", authorizeQuery(s, "instagram_basic", "abc"))
	assert.Empty(t, fb.Fragment, "Facebook adds no fragment")
	assert.Equal(t, "abc", fb.Query().Get("state"))
	assert.NotEmpty(t, fb.Query().Get("code"))
}

func TestAuthorizeRejectsUnknownAppAndBadRedirect(t *testing.T) {
	s := newTestServer(t)
	q := authorizeQuery(s, "", "x")
	q.Set("client_id", "999")
	a := getURL(t, s.URL+"/oauth/authorize?"+q.Encode())
	assert.Equal(t, http.StatusBadRequest, a.Status)
	code, _ := a.code(t)
	assert.Equal(t, 101, code)

	q = authorizeQuery(s, "", "x")
	q.Set("redirect_uri", "/relative")
	a = getURL(t, s.URL+"/oauth/authorize?"+q.Encode())
	assert.Equal(t, http.StatusBadRequest, a.Status)
}

func TestDenyAuthorization(t *testing.T) {
	s := newTestServer(t)
	s.DenyAuthorization(true)
	loc := authorizeAt(t, s, "/oauth/authorize", authorizeQuery(s, "", "st"))
	q := loc.Query()
	assert.Empty(t, q.Get("code"))
	assert.Equal(t, "access_denied", q.Get("error"))
	assert.Equal(t, "user_denied", q.Get("error_reason"))
	assert.Equal(t, "st", q.Get("state"))

	loc = authorizeAt(t, s, "/v25.0/dialog/oauth", authorizeQuery(s, "", "st"))
	assert.Equal(t, "access_denied", loc.Query().Get("error"))
	assert.Equal(t, "200", loc.Query().Get("error_code"))

	s.DenyAuthorization(false)
	assert.NotEmpty(t, igCode(t, s, ""))
}

func TestInstagramCodeExchangeIsFlatWithNumericUserID(t *testing.T) {
	s := newTestServer(t)
	a := igExchange(t, s, igCode(t, s, "instagram_business_basic,instagram_business_content_publish"))
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	assert.Contains(t, string(a.Raw), `"user_id":`+s.UserID+`,`, "user_id is a bare JSON number")
	assert.Equal(t, []any{"instagram_business_basic", "instagram_business_content_publish"}, a.JSON["permissions"])
	tok := a.JSON["access_token"].(string)
	assert.True(t, strings.HasPrefix(tok, "IGAA"))

	// The token works for the rest of the API, with the granted scopes.
	me := get(t, s, tok, "/v25.0/me?fields=id")
	require.Equal(t, http.StatusOK, me.Status)
	assert.Equal(t, s.UserID, me.JSON["id"])
}

func TestCodesAreSingleUseAndExpire(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now))

	code := igCode(t, s, "")
	require.Equal(t, http.StatusOK, igExchange(t, s, code).Status)
	again := igExchange(t, s, code)
	assert.Equal(t, http.StatusBadRequest, again.Status)
	assert.Equal(t, "OAuthException", again.JSON["error_type"])
	assert.EqualValues(t, 400, again.JSON["code"])
	assert.Equal(t, "Matching code was not found or was already used", again.JSON["error_message"])
	assert.Nil(t, again.JSON["error"], "api.instagram.com does not use the Graph envelope")

	late := igCode(t, s, "")
	clk.Advance(time.Hour)
	a := igExchange(t, s, late)
	assert.Equal(t, http.StatusBadRequest, a.Status)
	assert.Contains(t, a.JSON["error_message"], "expired")

	fresh := fbCode(t, s, "")
	require.Equal(t, http.StatusOK, fbExchange(t, s, fresh).Status)
	a = fbExchange(t, s, fresh)
	code1, sub := a.code(t)
	assert.Equal(t, []int{100, 36009}, []int{code1, sub})

	old := fbCode(t, s, "")
	clk.Advance(61 * time.Minute)
	a = fbExchange(t, s, old)
	code1, sub = a.code(t)
	assert.Equal(t, []int{100, 36007}, []int{code1, sub})

	// An Instagram code is not a Facebook code.
	a = fbExchange(t, s, igCode(t, s, ""))
	code1, _ = a.code(t)
	assert.Equal(t, 100, code1)
}

func TestCodeExchangeChecksClientAndRedirect(t *testing.T) {
	s := newTestServer(t)
	code := igCode(t, s, "")
	a := postForm(t, s, "", "/oauth/access_token", url.Values{
		"client_id": {s.AppID}, "client_secret": {"wrong"}, "grant_type": {"authorization_code"},
		"redirect_uri": {testRedirect}, "code": {code},
	})
	assert.Equal(t, http.StatusBadRequest, a.Status)
	assert.Contains(t, a.JSON["error_message"], "client secret")

	a = postForm(t, s, "", "/oauth/access_token", url.Values{
		"client_id": {s.AppID}, "client_secret": {s.AppSecret}, "grant_type": {"authorization_code"},
		"redirect_uri": {"https://other.example/"}, "code": {code},
	})
	assert.Equal(t, http.StatusBadRequest, a.Status)
	assert.Contains(t, a.JSON["error_message"], "redirect_uri")

	// The failed attempts did not use the code up.
	assert.Equal(t, http.StatusOK, igExchange(t, s, code).Status)

	fb := fbCode(t, s, "")
	q := url.Values{"client_id": {s.AppID}, "client_secret": {s.AppSecret}, "redirect_uri": {"https://other.example/"}, "code": {fb}}
	a = get(t, s, "", "/v25.0/oauth/access_token?"+q.Encode())
	c, sub := a.code(t)
	assert.Equal(t, []int{100, 36008}, []int{c, sub})
}

func TestLongLivedExchangeAndRefresh(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now))
	short := igExchange(t, s, igCode(t, s, "")).JSON["access_token"].(string)

	q := url.Values{"grant_type": {"ig_exchange_token"}, "client_secret": {s.AppSecret}, "access_token": {short}}
	a := get(t, s, "", "/v25.0/access_token?"+q.Encode())
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	long := a.JSON["access_token"].(string)
	assert.NotEqual(t, short, long)
	assert.Equal(t, "bearer", a.JSON["token_type"])
	assert.EqualValues(t, 60*24*3600, a.JSON["expires_in"])

	q.Set("client_secret", "wrong")
	assert.Equal(t, http.StatusBadRequest, get(t, s, "", "/access_token?"+q.Encode()).Status)

	refresh := func(tok string) answer {
		return get(t, s, "", "/refresh_access_token?"+url.Values{"grant_type": {"ig_refresh_token"}, "access_token": {tok}}.Encode())
	}
	// Younger than 24 hours: refused.
	a = refresh(long)
	assert.Equal(t, http.StatusBadRequest, a.Status)
	assert.Contains(t, a.graphErr(t)["message"], "24 hours")

	clk.Advance(25 * time.Hour)
	a = refresh(long)
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	renewed := a.JSON["access_token"].(string)
	assert.EqualValues(t, 60*24*3600, a.JSON["expires_in"])
	assert.Equal(t, http.StatusOK, get(t, s, renewed, "/v25.0/me").Status)

	// Expired tokens cannot be refreshed: 190/463.
	clk.Advance(61 * 24 * time.Hour)
	a = refresh(renewed)
	c, sub := a.code(t)
	assert.Equal(t, []int{190, 463}, []int{c, sub})
	a = refresh("IGAAnotatoken")
	c, _ = a.code(t)
	assert.Equal(t, 190, c)
}

func TestFacebookLongLivedExchange(t *testing.T) {
	s := newTestServer(t)
	short := fbExchange(t, s, fbCode(t, s, "instagram_basic,pages_show_list")).JSON["access_token"].(string)
	q := url.Values{"grant_type": {"fb_exchange_token"}, "client_id": {s.AppID}, "client_secret": {s.AppSecret}, "fb_exchange_token": {short}}
	a := get(t, s, "", "/v25.0/oauth/access_token?"+q.Encode())
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	assert.EqualValues(t, 60*24*3600, a.JSON["expires_in"])

	q.Set("fb_exchange_token", s.AccessToken) // an Instagram token
	c, _ := get(t, s, "", "/v25.0/oauth/access_token?"+q.Encode()).code(t)
	assert.Equal(t, 190, c)
}

func TestDebugToken(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now))
	tok := s.IssueFacebookToken(2*time.Hour, "instagram_basic", "pages_show_list")

	a := get(t, s, s.AppAccessToken(), "/v25.0/debug_token?input_token="+tok)
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	d := a.JSON["data"].(map[string]any)
	assert.Equal(t, true, d["is_valid"])
	assert.Equal(t, "USER", d["type"])
	assert.Equal(t, s.AppID, d["app_id"])
	assert.Equal(t, s.FacebookUserID, d["user_id"])
	assert.EqualValues(t, clk.Now().Add(2*time.Hour).Unix(), d["expires_at"])
	assert.Equal(t, []any{"instagram_basic", "pages_show_list"}, d["scopes"])

	a = get(t, s, s.FacebookAccessToken, "/v25.0/debug_token?input_token="+s.PageAccessToken)
	d = a.JSON["data"].(map[string]any)
	assert.Equal(t, "PAGE", d["type"])
	assert.Equal(t, s.PageID, d["profile_id"])
	assert.EqualValues(t, 0, d["expires_at"], "Page tokens never expire")

	clk.Advance(3 * time.Hour)
	d = get(t, s, s.AppAccessToken(), "/v25.0/debug_token?input_token="+tok).JSON["data"].(map[string]any)
	assert.Equal(t, false, d["is_valid"])
	assert.EqualValues(t, 463, d["error"].(map[string]any)["subcode"])

	d = get(t, s, s.AppAccessToken(), "/v25.0/debug_token?input_token=EAAbogus").JSON["data"].(map[string]any)
	assert.Equal(t, false, d["is_valid"])
	assert.EqualValues(t, 190, d["error"].(map[string]any)["code"])

	// Not on the Instagram Login host.
	assert.Equal(t, http.StatusBadRequest, get(t, s, s.AccessToken, "/v25.0/debug_token?input_token="+tok).Status)
	// The caller's token is required.
	assert.Equal(t, http.StatusBadRequest, get(t, s, "", "/v25.0/debug_token?input_token="+tok).Status)
}

func TestMeAccounts(t *testing.T) {
	s := newTestServer(t)
	a := get(t, s, s.FacebookAccessToken, "/v25.0/me/accounts?fields=id,name,access_token,tasks,instagram_business_account{id,username}")
	items := data(t, a)
	require.Len(t, items, 1)
	p := items[0]
	assert.Equal(t, s.PageID, p["id"])
	assert.Equal(t, s.PageAccessToken, p["access_token"])
	assert.Contains(t, p["tasks"], "MANAGE")
	iba := p["instagram_business_account"].(map[string]any)
	assert.Equal(t, s.UserID, iba["id"])
	assert.Equal(t, s.Account().Username, iba["username"])

	// Without pages_show_list the list is refused.
	narrow := s.IssueFacebookToken(time.Hour, "instagram_basic")
	c, _ := get(t, s, narrow, "/v25.0/me/accounts").code(t)
	assert.Equal(t, 200, c)
	// Instagram Login has no Pages.
	assert.Equal(t, http.StatusBadRequest, get(t, s, s.AccessToken, "/v25.0/me/accounts").Status)
}
