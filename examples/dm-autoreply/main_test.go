package main

import (
	"bytes"
	"context"
	"regexp"
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

// syncBuffer is a bytes.Buffer safe to write from several goroutines.
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

func TestAnswerFor(t *testing.T) {
	for _, tc := range []struct {
		text, payload, want string
		quick, handover     bool
	}{
		{"Are you OPEN today?", "", "We're open", false, false},
		{"Opening hours", "HOURS", "We're open", false, false},
		{"Do you deliver to Spain?", "", "We ship worldwide", false, false},
		{"How much is it?", "", "Prices are on each product page", true, false},
		{"Talk to a person", "AGENT", "Someone from our team", false, true},
		{"can a human help me", "", "Someone from our team", false, true},
		{"hello 👋", "", "Thanks for your message", true, false},
		{"", "", "Thanks for your message", true, false},
	} {
		msg, handover := answerFor(tc.text, tc.payload)
		require.NoError(t, msg.Validate(), tc.text)
		assert.Contains(t, msg.Text, tc.want, tc.text)
		assert.Equal(t, tc.quick, len(msg.QuickReplies) > 0, tc.text)
		assert.Equal(t, tc.handover, handover, tc.text)
	}
}

func checkDemo(t *testing.T, o string) {
	t.Helper()
	assert.Contains(t, o, "ice breakers set")
	assert.Regexp(t, `answered \d+: "Hi! Are you open on Sunday\?" -> "We're open`, o)
	assert.Regexp(t, `answered \d+: "How much is the canvas tote\?" -> "Prices are`, o)
	assert.Regexp(t, `skipped \d+: not available right now`, o)
	assert.Regexp(t, `answered \d+: "Talk to a person( \[AGENT\])?" -> "Got it!`, o)
	assert.Regexp(t, `left \d+ to a person: "It's about a bulk order"`, o)
	i := strings.Index(o, "conversation with @ben.eats:")
	require.GreaterOrEqual(t, i, 0, o)
	ben := regexp.MustCompile(`(?m)^  @(\S+): (.*)$`).FindAllStringSubmatch(o[i:strings.Index(o[i:], "conversation with @ana")+i], -1)
	require.Len(t, ben, 5)
	assert.Equal(t, "ben.eats", ben[0][1])
	assert.Equal(t, "How much is the canvas tote?", ben[0][2])
	assert.NotEqual(t, "ben.eats", ben[3][1], "the bot answered the hand-over")
	assert.Equal(t, "It's about a bulk order", ben[4][2], "and then stayed silent")
	assert.Contains(t, o, "conversation with @cara.daily:\n  @cara.daily: hello\n")
}

func TestOfflineDemoWithWebhooks(t *testing.T) {
	var out, errOut syncBuffer
	require.Equal(t, 0, run(context.Background(), nil, env(nil), &out, &errOut), errOut.String())
	assert.Contains(t, errOut.String(), "offline demo")
	assert.Contains(t, out.String(), "answering from the webhook at http://127.0.0.1:")
	checkDemo(t, out.String())
}

func TestOfflineDemoPolling(t *testing.T) {
	var out, errOut syncBuffer
	require.Equal(t, 0, run(context.Background(), []string{"-poll"}, env(nil), &out, &errOut), errOut.String())
	assert.NotContains(t, out.String(), "webhook")
	checkDemo(t, out.String())
}

func TestFlags(t *testing.T) {
	var out, errOut syncBuffer
	assert.Equal(t, 2, run(context.Background(), []string{"-interval", "10ms"}, env(nil), &out, &errOut))
	assert.Equal(t, 2, run(context.Background(), []string{"-nope"}, env(nil), &out, &errOut))
}

// replies waits until the conversation with person holds n messages.
func replies(t *testing.T, api *instagramtest.Server, person string, n int) []instagramtest.DirectMessage {
	t.Helper()
	var msgs []instagramtest.DirectMessage
	require.Eventually(t, func() bool {
		msgs, _ = api.Conversation(person)
		return len(msgs) >= n
	}, 20*time.Second, 20*time.Millisecond)
	return msgs
}

func TestWithTokenPolling(t *testing.T) {
	api := instagramtest.NewServer()
	defer api.Close()
	old := api.ContactID("old.friend")
	api.SimulateIncomingMessage(old, "a message from before the start")
	time.Sleep(1100 * time.Millisecond) // timestamps have whole seconds
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"-interval", "1s"}, env(map[string]string{
			"INSTAGRAM_ACCESS_TOKEN": api.AccessToken, "INSTAGRAM_GRAPH_URL": api.URL,
		}), &out, &errOut)
	}()
	require.Eventually(t, func() bool { return strings.Contains(errOut.String(), "polling every 1s") }, 10*time.Second, 10*time.Millisecond)
	time.Sleep(time.Second) // the next whole second: the new message is after the start
	ana := api.ContactID("ana.makes")
	api.SimulateIncomingMessage(ana, "do you ship to Canada?")
	msgs := replies(t, api, ana, 2)
	assert.Contains(t, msgs[1].Text, "We ship worldwide")
	assert.Equal(t, msgs[0].ID, msgs[1].ReplyTo)
	cancel()
	assert.Equal(t, 0, <-done)
	history, _ := api.Conversation(old)
	assert.Len(t, history, 1, "messages from before the start are left alone")
}

func TestWithTokenWebhook(t *testing.T) {
	api := instagramtest.NewServer()
	defer api.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, nil, env(map[string]string{
			"INSTAGRAM_ACCESS_TOKEN": api.AccessToken, "INSTAGRAM_GRAPH_URL": api.URL,
			"INSTAGRAM_APP_SECRET": api.AppSecret, "INSTAGRAM_VERIFY_TOKEN": "v", "PORT": "0",
		}), &out, &errOut)
	}()
	port := regexp.MustCompile(`webhook at \S*:(\d+), path /webhook`)
	var m []string
	require.Eventually(t, func() bool { m = port.FindStringSubmatch(errOut.String()); return m != nil }, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, api.SubscribeWebhooks("http://127.0.0.1:"+m[1]+"/webhook", "v", "messages"))

	ana := api.ContactID("ana.makes")
	api.SimulateIncomingMessage(ana, "hello there")
	msgs := replies(t, api, ana, 2)
	assert.Contains(t, msgs[1].Text, "Thanks for your message")
	cancel()
	assert.Equal(t, 0, <-done)
}
