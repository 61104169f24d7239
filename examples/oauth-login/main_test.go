package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	instagram "github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// syncBuffer is a buffer the program and the test share; changed ticks
// after writes.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{changed: make(chan struct{}, 1)} }

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	select {
	case b.changed <- struct{}{}:
	default:
	}
	return n, err
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func readSaved(t *testing.T, path string) *instagram.Token {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var tok instagram.Token
	require.NoError(t, json.Unmarshal(b, &tok))
	require.NotEmpty(t, tok.AccessToken)
	return &tok
}

func TestFakeLoginByDefault(t *testing.T) {
	file := filepath.Join(t.TempDir(), "token.json")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-token-file", file}, env(nil), &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Contains(t, errOut.String(), "using a fake Instagram API")

	tok := readSaved(t, file)
	assert.NotContains(t, out.String()+errOut.String(), tok.AccessToken, "the token is never printed")
	assert.Contains(t, out.String(), "Open this URL to log in with Instagram:")
	assert.Regexp(t, `Logged in as Instagram user 17841\d{12}\.`, out.String())
	assert.Contains(t, out.String(), "expires "+tok.Expiry.UTC().Format(time.RFC3339))
	assert.Contains(t, out.String(), "Granted: instagram_business_basic, instagram_business_manage_comments")
	assert.Regexp(t, `^17841\d{12}$`, tok.UserID)
	assert.WithinDuration(t, time.Now().Add(60*24*time.Hour), tok.Expiry, time.Minute)
}

var urlRE = regexp.MustCompile(`(?m)^  (http\S+)$`)

// waitForAuthURL waits until the program printed the URL to open and says
// it waits for the redirect.
func waitForAuthURL(t *testing.T, out, errOut *syncBuffer, result <-chan int) string {
	t.Helper()
	for {
		text := out.String()
		if m := urlRE.FindStringSubmatch(text); m != nil && strings.Contains(text, "Waiting for the redirect") {
			return m[1]
		}
		select {
		case <-out.changed:
		case code := <-result:
			t.Fatalf("exited early with %d: %s", code, errOut.String())
		}
	}
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func TestMetaModeWithOverriddenEndpoints(t *testing.T) {
	// With the three variables set the program waits for a browser; the
	// fake server stands in for Meta through the endpoint overrides and
	// the test plays the browser.
	srv := instagramtest.NewServer()
	defer srv.Close()
	redirect := "http://" + freeAddr(t) + "/callback"
	file := filepath.Join(t.TempDir(), "token.json")
	e := env(map[string]string{
		"INSTAGRAM_CLIENT_ID": srv.AppID, "INSTAGRAM_CLIENT_SECRET": srv.AppSecret, "INSTAGRAM_REDIRECT_URI": redirect,
		"INSTAGRAM_AUTH_URL": srv.URL + "/oauth/authorize", "INSTAGRAM_TOKEN_URL": srv.URL + "/oauth/access_token",
		"INSTAGRAM_GRAPH_URL": srv.URL,
	})
	out, errOut := newSyncBuffer(), newSyncBuffer()
	result := make(chan int, 1)
	go func() {
		result <- run(context.Background(), []string{"-token-file", file, "-timeout", "1m"}, e, out, errOut)
	}()
	authURL := waitForAuthURL(t, out, errOut, result)
	assert.True(t, strings.HasPrefix(authURL, srv.URL+"/oauth/authorize?"))
	res, err := http.Get(authURL) // approve, then follow to the local server
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)

	require.Equal(t, 0, <-result, errOut.String())
	assert.Empty(t, errOut.String())
	tok := readSaved(t, file)
	assert.Equal(t, srv.UserID, tok.UserID)
	assert.NotContains(t, out.String(), tok.AccessToken)
	assert.NotContains(t, out.String(), srv.AppSecret)

	// The saved token works.
	c, err := instagram.NewClient(instagram.WithBaseURL(srv.URL), instagram.WithAccessToken(tok.AccessToken))
	require.NoError(t, err)
	me, err := c.Users.Me(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, srv.UserID, me.ID)
}

func TestMetaModeRefusal(t *testing.T) {
	srv := instagramtest.NewServer()
	defer srv.Close()
	srv.DenyAuthorization(true)
	redirect := "http://" + freeAddr(t) + "/cb"
	file := filepath.Join(t.TempDir(), "token.json")
	e := env(map[string]string{
		"INSTAGRAM_CLIENT_ID": srv.AppID, "INSTAGRAM_CLIENT_SECRET": srv.AppSecret, "INSTAGRAM_REDIRECT_URI": redirect,
		"INSTAGRAM_AUTH_URL": srv.URL + "/oauth/authorize", "INSTAGRAM_TOKEN_URL": srv.URL + "/oauth/access_token",
		"INSTAGRAM_GRAPH_URL": srv.URL,
	})
	out, errOut := newSyncBuffer(), newSyncBuffer()
	result := make(chan int, 1)
	go func() { result <- run(context.Background(), []string{"-token-file", file}, e, out, errOut) }()
	authURL := waitForAuthURL(t, out, errOut, result)
	res, err := http.Get(authURL)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	assert.Equal(t, 1, <-result)
	assert.Contains(t, errOut.String(), "the login was cancelled")
	_, err = os.Stat(file)
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing saved")
}

func TestPartialConfigurationIsRejected(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, env(map[string]string{"INSTAGRAM_CLIENT_ID": "123"}), &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "set all of INSTAGRAM_CLIENT_ID, INSTAGRAM_CLIENT_SECRET and INSTAGRAM_REDIRECT_URI")
	assert.Empty(t, out.String())
}
