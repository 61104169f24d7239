package instagramtest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRequestLogMasksSecrets(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now))
	q := url.Values{
		"access_token": {s.AccessToken}, "appsecret_proof": {"abc"}, "fields": {"id,username"},
		"client_secret": {s.AppSecret}, "code": {"AQD123"}, "fb_exchange_token": {"EAAshort"}, "input_token": {"EAAx"},
	}
	getURL(t, s.URL+"/v25.0/me?"+q.Encode())
	get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/media?limit=3")
	postForm(t, s, "", "/v25.0/"+s.UserID, url.Values{"client_secret": {s.AppSecret}, "caption": {"hi"}, "access_token": {s.AccessToken}})

	reqs := s.Requests()
	require.Len(t, reqs, 3)
	r0 := reqs[0]
	assert.Equal(t, "GET", r0.Method)
	assert.Equal(t, "/me", r0.Path)
	assert.Equal(t, "v25.0", r0.Version)
	assert.Equal(t, clk.Now(), r0.Time)
	assert.Equal(t, http.StatusBadRequest, r0.Status, "the proof is wrong")
	assert.Equal(t, "id,username", r0.Query.Get("fields"))
	for _, k := range []string{"access_token", "appsecret_proof", "client_secret", "code", "fb_exchange_token", "input_token"} {
		assert.Equal(t, "REDACTED", r0.Query.Get(k), k)
	}

	r1 := reqs[1]
	assert.Equal(t, "REDACTED", r1.Header.Get("Authorization"))
	assert.Equal(t, "3", r1.Query.Get("limit"))
	assert.Equal(t, "/"+s.UserID+"/media", r1.Path)

	r2 := reqs[2]
	assert.Equal(t, "POST", r2.Method)
	assert.Equal(t, "hi", r2.Form.Get("caption"))
	assert.Equal(t, "REDACTED", r2.Form.Get("client_secret"))
	assert.Equal(t, "REDACTED", r2.Form.Get("access_token"))
	assert.Equal(t, http.StatusBadRequest, r2.Status)

	for _, r := range reqs {
		for _, secret := range []string{s.AccessToken, s.AppSecret} {
			assert.NotContains(t, r.Query.Encode(), secret)
			assert.NotContains(t, r.Form.Encode(), secret)
			for _, vs := range r.Header {
				assert.NotContains(t, strings.Join(vs, " "), secret)
			}
		}
	}

	assert.Equal(t, 2, s.RequestCount("GET", ""))
	assert.Equal(t, 1, s.RequestCount("", "/*/media"))
	assert.Equal(t, 1, s.RequestCount("post", "/*"))
	s.ResetRequests()
	assert.Empty(t, s.Requests())
	assert.Equal(t, 0, s.RequestCount("", ""))
}

func TestRequestLogIsACopy(t *testing.T) {
	s := newTestServer(t)
	get(t, s, s.AccessToken, "/v25.0/me?fields=id")
	r := s.Requests()
	r[0].Query.Set("fields", "changed")
	r[0].Header.Set("X-Test", "1")
	assert.Equal(t, "id", s.Requests()[0].Query.Get("fields"))
	assert.Empty(t, s.Requests()[0].Header.Get("X-Test"))
}

func TestRequestLogIsBounded(t *testing.T) {
	s := newTestServer(t, WithRequestLogSize(3))
	for i := range 5 {
		get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/media?limit="+string(rune('1'+i)))
	}
	reqs := s.Requests()
	require.Len(t, reqs, 3, "the log keeps the newest 3")
	for i, r := range reqs {
		assert.Equal(t, string(rune('3'+i)), r.Query.Get("limit"), "oldest first")
	}
	assert.Equal(t, 3, s.RequestCount("GET", "/*/media"))
	assert.Equal(t, 2, s.DroppedRequests())

	s.ResetRequests()
	assert.Empty(t, s.Requests())
	get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/media?limit=9")
	require.Len(t, s.Requests(), 1)
}
