package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram/instagramtest"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// syncBuffer is a bytes.Buffer safe to write from server goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestMatcher(t *testing.T) {
	m := newMatcher(" Scam , free  followers,,idiot")
	assert.Equal(t, []string{"scam", "free followers", "idiot"}, m.list())
	for text, want := range map[string]string{
		"This is a SCAM!":                  "scam",
		"scampi for dinner":                "",
		"Get FREE followers now":           "free followers",
		"free, followers":                  "free followers",
		"followers for free":               "",
		"what an idiot 🙄":                  "idiot",
		"idiotic":                          "",
		"":                                 "",
		"Ünïcode scam détecté":             "scam",
		"free\nfollowers across a newline": "free followers",
	} {
		assert.Equal(t, want, m.match(text), text)
	}
	assert.True(t, newMatcher(" , ").empty())
}

func TestOfflineDemo(t *testing.T) {
	var out, errOut syncBuffer
	code := run(context.Background(), nil, env(nil), &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Contains(t, errOut.String(), "offline demo")
	o := out.String()
	assert.Contains(t, o, "sweep: 5 media, ")
	assert.Regexp(t, `sweep: 5 media, \d+ comments checked, 5 hidden, 1 media locked`, o)
	assert.Regexp(t, `turned comments off on media \d+ \(https://www\.instagram\.com/p/[\w-]+/\): 4 comments hidden`, o)
	assert.Contains(t, o, "webhook: 3 new comments delivered, 2 hidden")
	assert.Contains(t, o, `by @promo.king on media`)
	assert.NotContains(t, o, "scampi.lover", "whole words only")
	assert.NotContains(t, o, "@ben.eats on media", "innocent comments stay")
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{{"-words", " , "}, {"-media", "0"}, {"-lock-after", "-1"}, {"-nope"}} {
		var out, errOut syncBuffer
		assert.Equal(t, 2, run(context.Background(), args, env(nil), &out, &errOut), args)
	}
}

// TestWithToken runs the program against the fake API as if it were the
// real one: a dry run lists, a real run hides.
func TestWithToken(t *testing.T) {
	api := instagramtest.NewServer()
	defer api.Close()
	media := openMedia(t, api)
	bad := api.SimulateComment(media, "x.y", "total scam")
	good := api.SimulateComment(media, "a.b", "lovely")
	e := env(map[string]string{"INSTAGRAM_ACCESS_TOKEN": api.AccessToken, "INSTAGRAM_GRAPH_URL": api.URL})

	var out, errOut syncBuffer
	require.Equal(t, 0, run(context.Background(), []string{"-dry-run", "-media", "3"}, e, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "would hide comment "+bad+" by @x.y")
	c, _ := api.Comment(bad)
	assert.False(t, c.Hidden)

	out = syncBuffer{}
	require.Equal(t, 0, run(context.Background(), []string{"-media", "3", "-words", "scam"}, e, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "hid comment "+bad)
	c, _ = api.Comment(bad)
	assert.True(t, c.Hidden)
	c, _ = api.Comment(good)
	assert.False(t, c.Hidden)
	assert.True(t, strings.HasPrefix(out.String(), "sweeping the latest 3 media of @"))

	var errOut2 syncBuffer
	bad2 := env(map[string]string{"INSTAGRAM_ACCESS_TOKEN": "IGAAnotatoken", "INSTAGRAM_GRAPH_URL": api.URL})
	assert.Equal(t, 1, run(context.Background(), nil, bad2, &out, &errOut2))
	assert.Contains(t, errOut2.String(), "expired or invalid")
}

func TestHandlerHidesDeliveredComments(t *testing.T) {
	api := instagramtest.NewServer()
	defer api.Close()
	client, err := api.Client()
	require.NoError(t, err)
	var out syncBuffer
	h := newHandler(client, api.AppSecret, "v", options{words: newMatcher("scam")}, &out)
	cb := httptest.NewServer(h)
	defer cb.Close()
	require.NoError(t, api.SubscribeWebhooks(cb.URL, "v", "comments", "live_comments"))

	live := api.StartLive(10)
	post := openMedia(t, api)
	ids := []string{
		api.SimulateComment(live, "a.b", "scam alert"),
		api.SimulateComment(post, "c.d", "no scam here? yes scam"),
		api.SimulateComment(post, "e.f", "fine"),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, api.WaitWebhooks(ctx))
	for i, want := range []bool{true, true, false} {
		c, _ := api.Comment(ids[i])
		assert.Equal(t, want, c.Hidden, i)
	}
	for _, d := range api.WebhookDeliveries() {
		assert.True(t, d.Delivered(), d.Field)
	}
}

// openMedia returns a media of the fake account that takes comments.
func openMedia(t *testing.T, api *instagramtest.Server) string {
	t.Helper()
	for _, m := range api.Media() {
		if m.IsCommentEnabled {
			return m.ID
		}
	}
	t.Fatal("no media takes comments")
	return ""
}
