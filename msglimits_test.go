package instagram_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

func TestMessagingLimitsDefaults(t *testing.T) {
	c, _ := newMockClient(t)
	l := c.Messaging.Limits()
	assert.Equal(t, instagram.DefaultMessagingLimits(), l)
	assert.Equal(t, "2/1s", l.Conversations.String())
	assert.Equal(t, "100/1s", l.Send.String())
	assert.Equal(t, "10/1s", l.SendMedia.String())
	assert.Equal(t, "750/1h0m0s", l.PrivateReplies.String())
	assert.Equal(t, "100/1s", l.LivePrivateReplies.String())

	require.NoError(t, c.Messaging.SetLimits(instagram.MessagingLimits{Send: instagram.MessagingLimit{Calls: -1}, Headroom: 0.5}))
	l = c.Messaging.Limits()
	assert.Equal(t, "unlimited", l.Send.String())
	assert.Equal(t, 0.5, l.Headroom)
	assert.Equal(t, "2/1s", l.Conversations.String(), "zero fields take defaults")

	for _, bad := range []instagram.MessagingLimits{
		{Send: instagram.MessagingLimit{Calls: 5}},
		{Conversations: instagram.MessagingLimit{Per: time.Second}},
		{MaxWait: -time.Second},
		{Headroom: -0.1},
	} {
		assert.Error(t, c.Messaging.SetLimits(bad))
	}

	other, _ := newMockClient(t)
	assert.Equal(t, instagram.DefaultMessagingLimits(), other.Messaging.Limits(), "limits belong to one Client")
}

// limitedClient returns a mock client whose sends, conversations and
// message reads all succeed.
func limitedClient(t *testing.T, l instagram.MessagingLimits) (*instagram.Client, *[]captured, *sync.Mutex) {
	t.Helper()
	c, mt := newMockClient(t)
	require.NoError(t, c.Messaging.SetLimits(l))
	var (
		mu  sync.Mutex
		got []captured
	)
	record := func(body string) func(*http.Request) (*http.Response, error) {
		return func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			defer mu.Unlock()
			return capture(&got, 200, body)(r)
		}
	}
	for _, acct := range []string{"A", "B"} {
		mt.RegisterResponder("POST", testBase+"/v25.0/"+acct+"/messages", record(sendOK))
		mt.RegisterResponder("GET", testBase+"/v25.0/"+acct+"/conversations", record(`{"data":[]}`))
	}
	mt.RegisterResponder("GET", testBase+"/v25.0/conv1", record(`{"id":"conv1"}`))
	mt.RegisterResponder("GET", testBase+"/v25.0/m_1", record(`{"id":"m_1"}`))
	return c, &got, &mu
}

func requireClientRefusal(t *testing.T, err error, account string) {
	t.Helper()
	var rl *instagram.RateLimitError
	require.Truef(t, errors.As(err, &rl), "want *RateLimitError, got %v", err)
	assert.Nil(t, rl.Err, "refused before sending")
	assert.Equal(t, account, rl.BusinessID)
	assert.Positive(t, rl.RetryAfter)
	assert.ErrorIs(t, err, instagram.ErrRateLimited)
}

func TestMessagingLimitsFailFastPerAccountAndCategory(t *testing.T) {
	hour := time.Hour
	c, got, _ := limitedClient(t, instagram.MessagingLimits{
		Send:               instagram.MessagingLimit{Calls: 2, Per: hour},
		SendMedia:          instagram.MessagingLimit{Calls: 1, Per: hour},
		PrivateReplies:     instagram.MessagingLimit{Calls: 1, Per: hour},
		LivePrivateReplies: instagram.MessagingLimit{Calls: 1, Per: hour},
		Conversations:      instagram.MessagingLimit{Calls: 2, Per: hour},
		FailFast:           true,
	})
	ctx := context.Background()
	text := instagram.TextMessage("hi")
	audio := instagram.AudioMessage(instagram.ByURL("https://cdn.test/a.mp3"))
	video := instagram.VideoMessage(instagram.ByURL("https://cdn.test/v.mp4"))
	image := instagram.ImageMessage(instagram.ByURL("https://cdn.test/i.jpg"))

	_, err := c.Messaging.Send(ctx, "A", "u", text, nil)
	require.NoError(t, err)
	require.NoError(t, c.Messaging.SendAction(ctx, "A", "u", instagram.SenderActionTypingOn), "sender actions count as sends")
	_, err = c.Messaging.Send(ctx, "A", "u", text, nil)
	requireClientRefusal(t, err, "A")
	requireClientRefusal(t, c.Messaging.React(ctx, "A", "u", "m_1", "love"), "A")
	_, err = c.Messaging.Send(ctx, "A", "u", image, nil)
	requireClientRefusal(t, err, "A")

	_, err = c.Messaging.Send(ctx, "A", "u", audio, nil)
	require.NoError(t, err, "audio and video have their own limit")
	_, err = c.Messaging.Send(ctx, "A", "u", video, nil)
	requireClientRefusal(t, err, "A")

	_, err = c.Messaging.Send(ctx, "B", "u", text, nil)
	require.NoError(t, err, "another account has its own limits")

	_, err = c.Messaging.PrivateReply(ctx, "A", "c1", text, nil)
	require.NoError(t, err)
	_, err = c.Messaging.PrivateReply(ctx, "A", "c2", text, nil)
	requireClientRefusal(t, err, "A")
	_, err = c.Messaging.PrivateReply(ctx, "A", "c3", text, &instagram.PrivateReplyOptions{Live: true})
	require.NoError(t, err, "live comments have their own limit")

	_, err = c.Messaging.Conversations(ctx, "A", nil)
	require.NoError(t, err)
	_, err = c.Messaging.Conversation(ctx, "conv1", nil)
	require.NoError(t, err)
	_, err = c.Messaging.Message(ctx, "m_1", nil)
	requireClientRefusal(t, err, "")
	_, err = c.Messaging.Conversations(ctx, "B", nil)
	requireClientRefusal(t, err, "")
	for _, err := range c.Messaging.AllConversations(ctx, "B", nil) {
		requireClientRefusal(t, err, "")
	}

	assert.Len(t, *got, 8, "refused calls never reach the API")
}

func TestMessagingLimitsMaxWaitAndDeadline(t *testing.T) {
	c, got, _ := limitedClient(t, instagram.MessagingLimits{
		Send:    instagram.MessagingLimit{Calls: 1, Per: time.Hour},
		MaxWait: time.Minute,
	})
	_, err := c.Messaging.SendText(context.Background(), "A", "u", "one")
	require.NoError(t, err)
	_, err = c.Messaging.SendText(context.Background(), "A", "u", "two")
	requireClientRefusal(t, err, "A")

	require.NoError(t, c.Messaging.SetLimits(instagram.MessagingLimits{Send: instagram.MessagingLimit{Calls: 1, Per: time.Hour}}))
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour/2)
	defer cancel()
	_, err = c.Messaging.SendText(ctx, "A", "u", "three")
	requireClientRefusal(t, err, "A")
	assert.Len(t, *got, 1)
}

func TestMessagingLimitsWaitEndsWithContext(t *testing.T) {
	c, got, mu := limitedClient(t, instagram.MessagingLimits{Send: instagram.MessagingLimit{Calls: 1, Per: time.Hour}})
	_, err := c.Messaging.SendText(context.Background(), "A", "u", "one")
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := c.Messaging.SendText(ctx, "A", "u", "waits")
		done <- err
	}()
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, *got, 1)
}

func TestMessagingLimitsDisabled(t *testing.T) {
	c, got, _ := limitedClient(t, instagram.MessagingLimits{
		Send: instagram.MessagingLimit{Calls: 1, Per: time.Hour}, Disabled: true, FailFast: true,
	})
	for range 5 {
		_, err := c.Messaging.SendText(context.Background(), "A", "u", "hi")
		require.NoError(t, err)
	}
	assert.Len(t, *got, 5)
}

// TestMessagingLimitsSpaceCalls checks the sliding window: with 3 calls per
// 100ms and a window widened to 200ms, no 4 calls ever reach the API
// within 100ms, whatever the concurrency.
func TestMessagingLimitsSpaceCalls(t *testing.T) {
	c, _, mu := limitedClient(t, instagram.MessagingLimits{
		Send:     instagram.MessagingLimit{Calls: 3, Per: 100 * time.Millisecond},
		Headroom: 1,
	})
	var (
		wg    sync.WaitGroup
		times []time.Time
	)
	for range 12 {
		wg.Go(func() {
			_, err := c.Messaging.SendText(context.Background(), "A", "u", "hi")
			assert.NoError(t, err)
			mu.Lock()
			times = append(times, time.Now())
			mu.Unlock()
		})
	}
	wg.Wait()
	require.Len(t, times, 12)
	slices.SortFunc(times, time.Time.Compare)
	for i := 3; i < len(times); i++ {
		assert.GreaterOrEqual(t, times[i].Sub(times[i-3]), 100*time.Millisecond, "calls %d and %d", i-3, i)
	}
}
