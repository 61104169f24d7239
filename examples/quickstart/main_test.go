package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram/instagramtest"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestFakeServerByDefault(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, env(nil), &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Contains(t, errOut.String(), "INSTAGRAM_ACCESS_TOKEN is not set")
	assert.Contains(t, errOut.String(), "fake Instagram API")

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 21, out.String())
	assert.Regexp(t, `^@\w+ \(id 17841\d{12}\): \d+ followers, \d+ media$`, lines[0])
	prev := ""
	for _, l := range lines[1:] {
		ts := strings.Fields(l)[2]
		if prev != "" {
			assert.Less(t, ts, prev, "newest first")
		}
		prev = ts
		assert.Regexp(t, `^\d{17,18} *  (IMAGE|VIDEO|CAROUSEL_ALBUM) *  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  https://www\.instagram\.com/(p|reel)/[\w-]{11}/$`, l)
	}
}

func TestRealAPIWithTokenAndURL(t *testing.T) {
	srv := instagramtest.NewServer()
	defer srv.Close()
	var out, errOut bytes.Buffer
	e := env(map[string]string{"INSTAGRAM_ACCESS_TOKEN": srv.AccessToken, "INSTAGRAM_GRAPH_URL": srv.URL})
	code := run(context.Background(), []string{"-limit", "30"}, e, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Empty(t, errOut.String())

	acct := srv.Account()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 31)
	assert.Equal(t, fmt.Sprintf("@%s (id %s): %d followers, %d media", acct.Username, acct.ID, acct.FollowersCount, acct.MediaCount), lines[0])
	for i, m := range srv.Media()[:30] {
		assert.Equal(t, []string{m.ID, m.MediaType, m.Timestamp.UTC().Format(time.RFC3339), m.Permalink}, strings.Fields(lines[i+1]))
	}
	assert.Equal(t, 1, srv.RequestCount("GET", "/*/media"), "30 media fit one page")
}

func TestLimitFollowsPages(t *testing.T) {
	srv := instagramtest.NewServer(instagramtest.WithMediaCount(150))
	defer srv.Close()
	var out, errOut bytes.Buffer
	e := env(map[string]string{"INSTAGRAM_ACCESS_TOKEN": srv.AccessToken, "INSTAGRAM_GRAPH_URL": srv.URL})
	require.Equal(t, 0, run(context.Background(), []string{"-limit", "120"}, e, &out, &errOut), errOut.String())
	assert.Len(t, strings.Split(strings.TrimSpace(out.String()), "\n"), 121)
	assert.Equal(t, 2, srv.RequestCount("GET", "/*/media"))
}

func TestExpiredToken(t *testing.T) {
	srv := instagramtest.NewServer()
	defer srv.Close()
	tok := srv.ExpiredToken()
	var out, errOut bytes.Buffer
	e := env(map[string]string{"INSTAGRAM_ACCESS_TOKEN": tok, "INSTAGRAM_GRAPH_URL": srv.URL})
	assert.Equal(t, 1, run(context.Background(), nil, e, &out, &errOut))
	msg := errOut.String()
	assert.Equal(t, 1, strings.Count(msg, "\n"), "one line")
	assert.Contains(t, msg, "expired")
	assert.Contains(t, msg, "INSTAGRAM_ACCESS_TOKEN")
	assert.NotContains(t, msg+out.String(), tok)
}

func TestInvalidToken(t *testing.T) {
	srv := instagramtest.NewServer()
	defer srv.Close()
	var out, errOut bytes.Buffer
	e := env(map[string]string{"INSTAGRAM_ACCESS_TOKEN": "IGAAsecret-but-wrong", "INSTAGRAM_GRAPH_URL": srv.URL})
	assert.Equal(t, 1, run(context.Background(), nil, e, &out, &errOut))
	assert.Contains(t, errOut.String(), "not valid")
	assert.NotContains(t, errOut.String()+out.String(), "IGAAsecret-but-wrong")
}

func TestRateLimited(t *testing.T) {
	srv := instagramtest.NewServer(instagramtest.WithAccountRateLimit(1, time.Hour))
	defer srv.Close()
	var out, errOut bytes.Buffer
	e := env(map[string]string{"INSTAGRAM_ACCESS_TOKEN": srv.AccessToken, "INSTAGRAM_GRAPH_URL": srv.URL})
	assert.Equal(t, 1, run(context.Background(), nil, e, &out, &errOut))
	msg := errOut.String()
	assert.Equal(t, 1, strings.Count(msg, "\n"), msg)
	assert.Contains(t, msg, "rate limited")
	assert.Contains(t, msg, "retry in ")
	assert.NotContains(t, msg+out.String(), srv.AccessToken)
}

func TestBadLimit(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run(context.Background(), []string{"-limit", "0"}, env(nil), &out, &errOut))
	assert.Contains(t, errOut.String(), "-limit")
}
