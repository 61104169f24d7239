package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram/webhook"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// syncBuffer is a bytes.Buffer safe to write from the server goroutines.
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

func TestOfflineDemo(t *testing.T) {
	var out, errOut syncBuffer
	code := run(context.Background(), env(nil), &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Contains(t, errOut.String(), "offline demo")
	o := out.String()
	assert.Contains(t, o, "callback verified")
	assert.Regexp(t, `account \d+ subscribed app \d+ to comments,mentions,message_reactions,messages,messaging_seen`, o)

	var kinds []string
	for _, l := range strings.Split(o, "\n") {
		if m := regexp.MustCompile(` msg=event kind=(\S+) account=\d+`).FindStringSubmatch(l); m != nil {
			kinds = append(kinds, m[1])
		}
	}
	// Six deliveries, one a redelivery: five lines.
	assert.Equal(t, []string{"comments", "mentions", "messages", "message_reactions", "messaging_seen"}, kinds)
	assert.Contains(t, o, "comment=17990000000000001")
	assert.Contains(t, o, "sender=7219432017765481")
	assert.NotContains(t, o, "are you open", "message texts are not logged")
	assert.Contains(t, o, "6 signed deliveries accepted of 6, 5 events logged (redeliveries dropped); a forged one was answered 403")
	assert.Contains(t, o, "webhook: request refused")
}

func TestNeedsBothVariables(t *testing.T) {
	var out, errOut syncBuffer
	assert.Equal(t, 2, run(context.Background(), env(map[string]string{"INSTAGRAM_APP_SECRET": "s"}), &out, &errOut))
	assert.Contains(t, errOut.String(), "INSTAGRAM_VERIFY_TOKEN")
}

func TestServesUntilInterrupted(t *testing.T) {
	const secret, verify = "live-secret-123", "live-verify-456"
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, env(map[string]string{"INSTAGRAM_APP_SECRET": secret, "INSTAGRAM_VERIFY_TOKEN": verify, "PORT": "0"}), &out, &errOut)
	}()
	var addr string
	re := regexp.MustCompile(`listening on \S*:(\d+), path /webhook`)
	for deadline := time.Now().Add(10 * time.Second); addr == "" && time.Now().Before(deadline); {
		if m := re.FindStringSubmatch(errOut.String()); m != nil {
			addr = "http://127.0.0.1:" + m[1] + "/webhook"
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	require.NotEmpty(t, addr, errOut.String())

	res, err := http.Get(addr + "?" + url.Values{"hub.mode": {"subscribe"}, "hub.challenge": {"8675309"}, "hub.verify_token": {verify}}.Encode())
	require.NoError(t, err)
	b := new(bytes.Buffer)
	_, _ = b.ReadFrom(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "8675309", b.String())

	body := []byte(`{"object":"instagram","entry":[{"id":"17841463720011512","time":1746100800,"changes":[{"field":"mentions","value":{"media_id":"17933300485721004"}}]}]}`)
	post := func(sig string) int {
		req, _ := http.NewRequest(http.MethodPost, addr, bytes.NewReader(body))
		req.Header.Set(webhook.SignatureHeader, sig)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	assert.Equal(t, http.StatusOK, post(webhook.Sign(body, secret)))
	assert.Equal(t, http.StatusForbidden, post(webhook.Sign(body, "wrong")))

	cancel()
	assert.Equal(t, 0, <-done)
	assert.Contains(t, out.String(), "msg=event kind=mentions account=17841463720011512 media=17933300485721004")
}
