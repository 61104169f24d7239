package instagramtest

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCommonHeaders(t *testing.T) {
	s := newTestServer(t)
	a := get(t, s, s.AccessToken, "/v25.0/me")
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	assert.Equal(t, "application/json; charset=UTF-8", a.Header.Get("Content-Type"))
	assert.Equal(t, "v25.0", a.Header.Get("facebook-api-version"))
	assert.Regexp(t, `^[A-Za-z0-9_-]{23}$`, a.Header.Get("x-fb-trace-id"))
	assert.NotEmpty(t, a.Header.Get("x-fb-request-id"))

	var app map[string]int
	require.NoError(t, json.Unmarshal([]byte(a.Header.Get("X-App-Usage")), &app))
	assert.Contains(t, app, "call_count")
	assert.Contains(t, app, "total_cputime")
	assert.Contains(t, app, "total_time")

	var buc map[string][]map[string]any
	require.NoError(t, json.Unmarshal([]byte(a.Header.Get("X-Business-Use-Case-Usage")), &buc))
	require.Len(t, buc[s.UserID], 1)
	entry := buc[s.UserID][0]
	assert.Equal(t, "instagram", entry["type"])
	for _, k := range []string{"call_count", "total_cputime", "total_time", "estimated_time_to_regain_access"} {
		assert.Contains(t, entry, k)
	}
	assert.EqualValues(t, 0, entry["estimated_time_to_regain_access"])
}

func TestAnyVersionIsEchoed(t *testing.T) {
	s := newTestServer(t)
	for _, v := range []string{"v19.0", "v25.0", "v26.0", "v3.2"} {
		a := get(t, s, s.AccessToken, "/"+v+"/me")
		assert.Equal(t, http.StatusOK, a.Status, v)
		assert.Equal(t, v, a.Header.Get("facebook-api-version"))
	}
}

func TestUnversionedOrMalformedPath(t *testing.T) {
	s := newTestServer(t)
	for _, p := range []string{"/me", "/v25/me", "/vX.0/me", "/25.0/me", "/v25.0x/me"} {
		a := get(t, s, s.AccessToken, p)
		assert.Equal(t, http.StatusBadRequest, a.Status, p)
		code, _ := a.code(t)
		assert.Equal(t, 2500, code, p)
		e := a.graphErr(t)
		assert.Equal(t, "OAuthException", e["type"])
		assert.Equal(t, "Unknown path components: "+p, e["message"])
		assert.Equal(t, a.Header.Get("x-fb-trace-id"), e["fbtrace_id"])
	}
}

func TestUnknownEdgeAndDeepPath(t *testing.T) {
	s := newTestServer(t)
	id := s.Media()[0].ID
	a := get(t, s, s.AccessToken, "/v25.0/"+id+"/nope")
	code, _ := a.code(t)
	assert.Equal(t, 2500, code)
	assert.Equal(t, "Unknown path components: /nope", a.graphErr(t)["message"])

	a = get(t, s, s.AccessToken, "/v25.0/"+id+"/children/extra")
	code, _ = a.code(t)
	assert.Equal(t, 2500, code)
}

func TestNonexistentObject(t *testing.T) {
	s := newTestServer(t)
	a := get(t, s, s.AccessToken, "/v25.0/17999999999999999")
	assert.Equal(t, http.StatusBadRequest, a.Status)
	code, sub := a.code(t)
	assert.Equal(t, 100, code)
	assert.Equal(t, 33, sub)
	e := a.graphErr(t)
	assert.Equal(t, "GraphMethodException", e["type"])
	assert.True(t, strings.HasPrefix(e["message"].(string),
		"Unsupported get request. Object with ID '17999999999999999' does not exist, cannot be loaded due to missing permissions, or does not support this operation."))

	// POST to a node without a POST operation.
	a = postForm(t, s, s.AccessToken, "/v25.0/"+s.Media()[0].ID, nil)
	code, sub = a.code(t)
	assert.Equal(t, [2]int{100, 33}, [2]int{code, sub})
	assert.True(t, strings.HasPrefix(a.graphErr(t)["message"].(string), "Unsupported post request."))

	a = get(t, s, s.AccessToken, "/v25.0/not_an_alias")
	code, _ = a.code(t)
	assert.Equal(t, 803, code)
}

func TestMetaStyleEscaping(t *testing.T) {
	s := newTestServer(t)
	m := s.Media()[0]
	a := get(t, s, s.AccessToken, "/v25.0/"+m.ID+"?fields=permalink")
	require.Equal(t, http.StatusOK, a.Status)
	assert.Contains(t, string(a.Raw), `"permalink":"https:\/\/www.instagram.com\/`)
	assert.Equal(t, m.Permalink, a.JSON["permalink"])
	// Non-ASCII text is sent as \u escapes and decodes back.
	for _, m := range s.Media() {
		if strings.IndexFunc(m.Caption, func(r rune) bool { return r > 127 }) < 0 {
			continue
		}
		a := get(t, s, s.AccessToken, "/v25.0/"+m.ID+"?fields=caption")
		assert.Regexp(t, regexp.MustCompile(`\\u[0-9a-f]{4}`), string(a.Raw))
		assert.NotRegexp(t, regexp.MustCompile(`[^\x00-\x7f]`), string(a.Raw))
		assert.Equal(t, m.Caption, a.JSON["caption"])
		return
	}
	t.Fatal("no caption with non-ASCII text in the seeded media")
}

func TestMethodOverrideParameter(t *testing.T) {
	s := newTestServer(t)
	a := get(t, s, s.AccessToken, "/v25.0/"+s.Media()[0].ID+"?method=post")
	code, sub := a.code(t)
	assert.Equal(t, [2]int{100, 33}, [2]int{code, sub})
	assert.True(t, strings.HasPrefix(a.graphErr(t)["message"].(string), "Unsupported post request."))
}

func BenchmarkMediaPage(b *testing.B) {
	s := NewServer()
	defer s.Close()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/v25.0/me/media?fields=id,caption,media_type,timestamp,children{id}", nil)
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	for b.Loop() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatal(res.Status)
		}
	}
}

func BenchmarkNewServer(b *testing.B) {
	for b.Loop() {
		NewServer().Close()
	}
}

// Multi-id lookups are refused on both hosts, as Meta refuses them to apps
// created since 2026-11-04.
func TestMultiIDLookupRefused(t *testing.T) {
	s := NewServer()
	defer s.Close()
	id := s.Media()[0].ID
	for _, tok := range []string{s.AccessToken, s.FacebookAccessToken} {
		a := get(t, s, tok, "/v25.0/?ids="+id+"&fields=id")
		assert.Equal(t, http.StatusBadRequest, a.Status)
		code, _ := a.code(t)
		assert.Equal(t, 100, code)
		assert.Contains(t, a.graphErr(t)["message"], "ids")
	}
}
