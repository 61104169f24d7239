package instagramtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func newTestServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	s := NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// answer is a decoded response.
type answer struct {
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
}

// graphErr returns the "error" object of an error answer.
func (a answer) graphErr(t *testing.T) map[string]any {
	t.Helper()
	e, ok := a.JSON["error"].(map[string]any)
	require.Truef(t, ok, "no error envelope in %s", a.Raw)
	return e
}

// code returns the error code and subcode of an error answer.
func (a answer) code(t *testing.T) (int, int) {
	t.Helper()
	e := a.graphErr(t)
	sub, _ := e["error_subcode"].(float64)
	return int(e["code"].(float64)), int(sub)
}

func send(t *testing.T, hc *http.Client, req *http.Request) answer {
	t.Helper()
	res, err := hc.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	a := answer{Status: res.StatusCode, Header: res.Header, Raw: b}
	if len(b) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		require.NoErrorf(t, json.Unmarshal(b, &a.JSON), "body %s", b)
	}
	return a
}

// get calls GET s.URL+path with the token in the Authorization header
// (none when token is "").
func get(t *testing.T, s *Server, token, path string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return send(t, http.DefaultClient, req)
}

// getURL calls an absolute URL without adding a token.
func getURL(t *testing.T, u string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	return send(t, http.DefaultClient, req)
}

// postForm calls POST with a form body and the token in the header.
func postForm(t *testing.T, s *Server, token, path string, form url.Values) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return send(t, http.DefaultClient, req)
}

// data returns the items of a {data, paging} answer.
func data(t *testing.T, a answer) []map[string]any {
	t.Helper()
	require.Equalf(t, http.StatusOK, a.Status, "body %s", a.Raw)
	raw, ok := a.JSON["data"].([]any)
	require.Truef(t, ok, "no data in %s", a.Raw)
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i] = v.(map[string]any)
	}
	return out
}

// paging returns the paging object of an answer, nil when absent.
func paging(a answer) map[string]any {
	p, _ := a.JSON["paging"].(map[string]any)
	return p
}

// fakeClock is a settable clock for WithClock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
