package instagramtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func proof(secret, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func TestTokenShapes(t *testing.T) {
	s := newTestServer(t)
	assert.True(t, strings.HasPrefix(s.AccessToken, "IGAA"))
	assert.True(t, strings.HasPrefix(s.FacebookAccessToken, "EAA"))
	assert.True(t, strings.HasPrefix(s.PageAccessToken, "EAA"))
	assert.Equal(t, s.AppID+"|"+s.AppSecret, s.AppAccessToken())
}

func TestTokenInHeaderOrParameter(t *testing.T) {
	s := newTestServer(t)
	for _, scheme := range []string{"Bearer", "OAuth", "bearer"} {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/v25.0/me", nil)
		req.Header.Set("Authorization", scheme+" "+s.AccessToken)
		a := send(t, http.DefaultClient, req)
		assert.Equal(t, http.StatusOK, a.Status, scheme)
	}
	a := getURL(t, s.URL+"/v25.0/me?access_token="+url.QueryEscape(s.AccessToken))
	assert.Equal(t, http.StatusOK, a.Status)

	b := postForm(t, s, "", "/v25.0/"+s.Media()[0].ID, url.Values{"access_token": {s.AccessToken}})
	code, sub := b.code(t)
	assert.Equal(t, [2]int{100, 33}, [2]int{code, sub}, "the form token was accepted; the node has no POST")
}

func TestMissingToken(t *testing.T) {
	s := newTestServer(t)
	a := get(t, s, "", "/v25.0/me")
	assert.Equal(t, http.StatusBadRequest, a.Status)
	code, _ := a.code(t)
	assert.Equal(t, 104, code)
	assert.Equal(t, "An access token is required to request this resource.", a.graphErr(t)["message"])
}

func TestUnknownToken(t *testing.T) {
	s := newTestServer(t)
	a := get(t, s, "IGAAnot-a-real-token", "/v25.0/me")
	assert.Equal(t, http.StatusBadRequest, a.Status)
	e := a.graphErr(t)
	assert.EqualValues(t, 190, e["code"])
	assert.NotContains(t, e, "error_subcode")
	assert.Equal(t, "OAuthException", e["type"])
	assert.Equal(t, "Invalid OAuth access token - Cannot parse access token", e["message"])
	assert.NotEmpty(t, e["fbtrace_id"])
	assert.Contains(t, a.Header.Get("WWW-Authenticate"), `"invalid_token"`)
}

func TestExpiredToken(t *testing.T) {
	s := newTestServer(t)
	a := get(t, s, s.ExpiredToken(), "/v25.0/me")
	assert.Equal(t, http.StatusBadRequest, a.Status)
	code, sub := a.code(t)
	assert.Equal(t, [2]int{190, 463}, [2]int{code, sub})
	assert.True(t, strings.HasPrefix(a.graphErr(t)["message"].(string), "Error validating access token: Session has expired on "))
}

func TestIssuedTokenExpiresWithTheClock(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now))
	tok := s.IssueToken(time.Hour)
	assert.Equal(t, http.StatusOK, get(t, s, tok, "/v25.0/me").Status)
	fb := s.IssueFacebookToken(0)
	clk.Advance(time.Hour)
	code, sub := get(t, s, tok, "/v25.0/me").code(t)
	assert.Equal(t, [2]int{190, 463}, [2]int{code, sub})
	assert.Equal(t, s.FacebookUserID, get(t, s, fb, "/v25.0/me").JSON["id"], "ttl 0 never expires")
	// The seeded tokens live 60 days.
	clk.Advance(61 * 24 * time.Hour)
	code, _ = get(t, s, s.AccessToken, "/v25.0/me").code(t)
	assert.Equal(t, 190, code)
}

func TestAppSecretProof(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now))
	call := func(q url.Values) answer {
		return get(t, s, s.AccessToken, "/v25.0/me?"+q.Encode())
	}
	good := proof(s.AppSecret, s.AccessToken)
	assert.Equal(t, http.StatusOK, call(url.Values{"appsecret_proof": {good}}).Status)
	assert.Equal(t, http.StatusOK, call(url.Values{"appsecret_proof": {strings.ToUpper(good)}}).Status)

	bad := call(url.Values{"appsecret_proof": {proof("wrong", s.AccessToken)}})
	assert.Equal(t, http.StatusBadRequest, bad.Status)
	e := bad.graphErr(t)
	assert.EqualValues(t, 100, e["code"])
	assert.Equal(t, "GraphMethodException", e["type"])
	assert.Equal(t, "Invalid appsecret_proof provided in the API argument", e["message"])

	// Time-bound variant: HMAC of token|time, valid five minutes.
	now := clk.Now().Unix()
	ts := strconv.FormatInt(now, 10)
	timed := url.Values{"appsecret_proof": {proof(s.AppSecret, s.AccessToken+"|"+ts)}, "appsecret_time": {ts}}
	assert.Equal(t, http.StatusOK, call(timed).Status)
	clk.Advance(4 * time.Minute)
	assert.Equal(t, http.StatusOK, call(timed).Status)
	clk.Advance(2 * time.Minute)
	code, _ := call(timed).code(t)
	assert.Equal(t, 100, code, "expired after five minutes")
	// The plain proof does not pass as a timed one.
	code, _ = call(url.Values{"appsecret_proof": {good}, "appsecret_time": {strconv.FormatInt(clk.Now().Unix(), 10)}}).code(t)
	assert.Equal(t, 100, code)
}

func TestRequireAppSecretProof(t *testing.T) {
	s := newTestServer(t, WithRequireAppSecretProof(true))
	a := get(t, s, s.AccessToken, "/v25.0/me")
	require.Equal(t, http.StatusBadRequest, a.Status)
	e := a.graphErr(t)
	assert.EqualValues(t, 100, e["code"])
	assert.Equal(t, "API calls from the server require an appsecret_proof argument", e["message"])

	b := get(t, s, s.AccessToken, "/v25.0/me?appsecret_proof="+proof(s.AppSecret, s.AccessToken))
	assert.Equal(t, http.StatusOK, b.Status)
	// App tokens need no proof.
	c := get(t, s, s.AppAccessToken(), "/v25.0/"+s.UserID)
	assert.Equal(t, http.StatusOK, c.Status)
}

func TestTokenScopes(t *testing.T) {
	s := newTestServer(t)
	tok := s.IssueToken(0, "instagram_business_basic")
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.lookupToken(tok)
	require.NotNil(t, it)
	assert.True(t, it.hasScope("instagram_business_basic"))
	assert.False(t, it.hasScope("instagram_business_manage_comments"))
	assert.True(t, s.lookupToken(s.AccessToken).hasScope("instagram_business_manage_comments"))
}
