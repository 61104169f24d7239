package instagram_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/message"
)

// All tests of this file that involve time run inside a synctest bubble:
// time.Now, timers and sleeps are those of a fake clock that jumps
// forward only when every goroutine of the bubble is blocked.

func TestParseUsageBothAppShapes(t *testing.T) {
	h := http.Header{}
	h.Set("X-App-Usage", `{"call_count":28,"total_time":25,"total_cputime":96}`)
	u, err := instagram.ParseUsage(h)
	require.NoError(t, err)
	assert.Equal(t, &instagram.AppUsage{CallCount: 28, TotalTime: 25, TotalCPUTime: 96}, u.App)
	assert.Equal(t, 96, u.App.Max())

	// graph.instagram.com (Instagram Login) sends call_volume and cpu_time.
	h.Set("X-App-Usage", `{"call_volume":97,"cpu_time":12}`)
	u, err = instagram.ParseUsage(h)
	require.NoError(t, err)
	assert.Equal(t, &instagram.AppUsage{CallVolume: 97, CPUTime: 12}, u.App)
	assert.Equal(t, 97, u.App.Max())

	// Numbers as strings.
	h = http.Header{}
	h.Set("X-App-Usage", `{"call_volume":"41","cpu_time":"7"}`)
	h.Set("X-Page-Usage", `{"call_count":"85","total_time":"60","total_cputime":"56"}`)
	h.Set("X-Business-Use-Case-Usage", `{"17841400000000001":[{"type":"instagram","call_count":"100","total_cputime":"25","total_time":"25","estimated_time_to_regain_access":"19"}],"66782684":[{"type":"ads_management","call_count":95,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":0,"ads_api_access_tier":"standard_access"}]}`)
	h.Set("X-Ratelimit-Limit", "5000")
	h.Set("X-Ratelimit-Remaining", " 4999 ")
	u, err = instagram.ParseUsage(h)
	require.NoError(t, err)
	assert.Equal(t, 41, u.App.CallVolume)
	assert.Equal(t, 7, u.App.CPUTime)
	assert.Equal(t, &instagram.AppUsage{CallCount: 85, TotalTime: 60, TotalCPUTime: 56}, u.Page)
	ig := u.Business["17841400000000001"]
	require.Len(t, ig, 1)
	assert.Equal(t, instagram.BusinessUseCaseUsage{Type: "instagram", CallCount: 100, TotalTime: 25, TotalCPUTime: 25, EstimatedTimeToRegainAccess: 19}, ig[0])
	assert.Equal(t, 100, ig[0].Max())
	assert.Equal(t, "standard_access", u.Business["66782684"][0].AdsAPIAccessTier)
	assert.Equal(t, &instagram.LegacyUsage{Limit: 5000, Remaining: 4999}, u.Legacy)
	assert.False(t, u.Empty())

	u, err = instagram.ParseUsage(http.Header{})
	require.NoError(t, err)
	assert.True(t, u.Empty())
}

func TestParseUsageMalformedAndOversized(t *testing.T) {
	huge := `{"call_count":99,"pad":"` + strings.Repeat("x", 64<<10) + `"}`
	for name, hdr := range map[string][2]string{
		"app not json":       {"X-App-Usage", `call_count=5`},
		"app truncated":      {"X-App-Usage", `{"call_count": 5`},
		"app over 64 KiB":    {"X-App-Usage", huge},
		"buc wrong shape":    {"X-Business-Use-Case-Usage", `[1,2,3]`},
		"buc entry not list": {"X-Business-Use-Case-Usage", `{"1":{"type":"instagram"}}`},
		"buc over 64 KiB":    {"X-Business-Use-Case-Usage", `{"1":[{"type":"` + strings.Repeat("x", 64<<10) + `"}]}`},
		"legacy not number":  {"X-Ratelimit-Remaining", `lots`},
	} {
		t.Run(name, func(t *testing.T) {
			h := http.Header{}
			h.Set(hdr[0], hdr[1])
			h.Set("X-Page-Usage", `{"call_count":7}`) // a good header beside the bad one survives
			u, err := instagram.ParseUsage(h)
			require.Error(t, err)
			assert.Contains(t, err.Error(), hdr[0][:10])
			require.NotNil(t, u.Page)
			assert.Equal(t, 7, u.Page.CallCount)
			assert.Nil(t, u.App)
			assert.Empty(t, u.Business)
			assert.Nil(t, u.Legacy)
		})
	}
}

func TestOversizedUsageHeaderIgnoredByClient(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &debugRecorder{}
		c, mt := newMockClient(t, instagram.WithLogger(slog.New(rec)), instagram.WithLimits(instagram.Limits{MaxWait: -1}))
		huge := `{"call_count":100,"pad":"` + strings.Repeat("x", 64<<10) + `"}`
		mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`, "X-App-Usage", huge))
		for range 3 {
			_, err := c.Media.Get(t.Context(), "1790", nil)
			require.NoError(t, err, "a 100%% figure in an oversized header is not read")
		}
		assert.Nil(t, c.Usage().App)
		assert.Equal(t, 3, mt.GetTotalCallCount())
		assert.True(t, rec.has(slog.LevelDebug, "usage headers ignored"), "the ignored header is logged at debug level")
	})
}

// debugRecorder is a slog handler that keeps every record.
type debugRecorder struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *debugRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *debugRecorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}
func (h *debugRecorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *debugRecorder) WithGroup(string) slog.Handler      { return h }

func (h *debugRecorder) count(level slog.Level, msg string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, r := range h.recs {
		if r.Level == level && strings.Contains(r.Message, msg) {
			n++
		}
	}
	return n
}

func (h *debugRecorder) has(level slog.Level, msg string) bool { return h.count(level, msg) > 0 }

// stamps records the fake-clock time of each request the transport sees.
type stamps struct {
	mu    sync.Mutex
	at    []time.Time
	paths []string
}

func (s *stamps) responder(status int, body string, headers ...string) httpmock.Responder {
	next := jsonResponder(status, body, headers...)
	return func(r *http.Request) (*http.Response, error) {
		s.mu.Lock()
		s.at = append(s.at, time.Now())
		s.paths = append(s.paths, r.URL.Path)
		s.mu.Unlock()
		return next(r)
	}
}

func (s *stamps) times() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.at...)
}

// sinceStart returns the times as offsets from t0.
func sinceStart(t0 time.Time, ts []time.Time) []time.Duration {
	out := make([]time.Duration, len(ts))
	for i, x := range ts {
		out[i] = x.Sub(t0)
	}
	return out
}

func requireRefusedBeforeSending(t *testing.T, err error) *instagram.RateLimitError {
	t.Helper()
	var rl *instagram.RateLimitError
	require.Truef(t, errors.As(err, &rl), "want *RateLimitError, got %v", err)
	assert.ErrorIs(t, err, instagram.ErrRateLimited)
	assert.Nil(t, rl.Err, "refused before sending")
	assert.Positive(t, rl.RetryAfter)
	return rl
}

func TestBudgetAtThresholdWaitsThenGoes(t *testing.T) {
	for _, tc := range []struct{ name, usage string }{
		{"facebook login shape", `{"call_count":95,"total_time":10,"total_cputime":10}`},
		{"instagram login shape", `{"call_volume":100,"cpu_time":3}`},
		{"cpu time", `{"call_volume":1,"cpu_time":96}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, mt := newMockClient(t)
				var s stamps
				mt.RegisterResponder("GET", testBase+"/v25.0/1790", s.responder(200, `{"id":"1790"}`, "X-App-Usage", tc.usage))
				mt.RegisterResponder("GET", testBase+"/v25.0/1791", s.responder(200, `{"id":"1791"}`, "X-App-Usage", `{"call_volume":3,"cpu_time":3}`))
				t0 := time.Now()
				_, err := c.Media.Get(t.Context(), "1790", nil)
				require.NoError(t, err, "the call that reports the usage succeeds")
				_, err = c.Media.Get(t.Context(), "1791", nil)
				require.NoError(t, err, "the default waits (up to a minute) instead of failing")
				assert.Equal(t, []time.Duration{0, instagram.DefaultCooldown}, sinceStart(t0, s.times()),
					"the second call went one cooldown after the first")
				_, err = c.Media.Get(t.Context(), "1791", nil)
				require.NoError(t, err)
				assert.Equal(t, instagram.DefaultCooldown, time.Since(t0), "a low figure blocks nothing")
			})
		})
	}
}

func TestBudgetBelowThresholdDoesNotBlock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := newMockClient(t, instagram.WithLimits(instagram.Limits{MaxWait: -1, Threshold: 80}))
		mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`, "X-App-Usage", `{"call_volume":79,"cpu_time":1}`))
		mt.RegisterResponder("GET", testBase+"/v25.0/1791", jsonResponder(200, `{"id":"1791"}`, "X-App-Usage", `{"call_volume":80,"cpu_time":1}`))
		for range 3 {
			_, err := c.Media.Get(t.Context(), "1790", nil)
			require.NoError(t, err)
		}
		_, err := c.Media.Get(t.Context(), "1791", nil)
		require.NoError(t, err)
		_, err = c.Media.Get(t.Context(), "1790", nil)
		requireRefusedBeforeSending(t, err)
		assert.Equal(t, 4, mt.GetTotalCallCount())
	})
}

func TestBudgetFailFastSendsNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := newMockClient(t, instagram.WithLimits(instagram.Limits{MaxWait: -1}))
		mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`,
			"X-App-Usage", `{"call_count":100,"total_time":10,"total_cputime":10}`))
		_, err := c.Media.Get(t.Context(), "1790", nil)
		require.NoError(t, err)
		t0 := time.Now()
		for range 5 {
			_, err = c.Media.Get(t.Context(), "1790", nil)
			rl := requireRefusedBeforeSending(t, err)
			assert.Equal(t, instagram.DefaultCooldown, rl.RetryAfter)
			require.NotNil(t, rl.Usage.App)
			assert.Equal(t, 100, rl.Usage.App.CallCount)
			assert.Empty(t, rl.BusinessID)
		}
		assert.Equal(t, t0, time.Now(), "failing fast waits for nothing")
		assert.Equal(t, 1, mt.GetTotalCallCount(), "no request left while the budget was exhausted")

		time.Sleep(instagram.DefaultCooldown)
		_, err = c.Media.Get(t.Context(), "1790", nil)
		require.NoError(t, err, "the block ends with the cooldown")
	})
}

func TestBudgetLongerThanMaxWaitFailsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := newMockClient(t, instagram.WithLimits(instagram.Limits{Cooldown: time.Hour}))
		mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`, "X-App-Usage", `{"call_volume":100}`))
		_, err := c.Media.Get(t.Context(), "1790", nil)
		require.NoError(t, err)
		t0 := time.Now()
		_, err = c.Media.Get(t.Context(), "1790", nil)
		rl := requireRefusedBeforeSending(t, err)
		assert.Equal(t, time.Hour, rl.RetryAfter)
		assert.Equal(t, t0, time.Now(), "a wait over MaxWait is not started")
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}

func bucHeader(id string, pct, eta int) string {
	return fmt.Sprintf(`{"%s":[{"type":"instagram","call_count":%d,"total_cputime":5,"total_time":5,"estimated_time_to_regain_access":%d}]}`, id, pct, eta)
}

func TestBusinessBlockBlocksOnlyThatAccount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := newMockClient(t, instagram.WithLimits(instagram.Limits{MaxWait: -1}))
		const a, b = "17841400000000001", "17841400000000002"
		mt.RegisterResponder("GET", testBase+"/v25.0/"+a, jsonResponder(200, `{"id":"`+a+`"}`, "X-Business-Use-Case-Usage", bucHeader(a, 40, 7)))
		mt.RegisterResponder("GET", testBase+"/v25.0/"+b, jsonResponder(200, `{"id":"`+b+`"}`, "X-Business-Use-Case-Usage", bucHeader(b, 3, 0)))
		mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`))
		ctx := t.Context()
		_, err := c.Users.Get(ctx, a, nil)
		require.NoError(t, err)
		_, err = c.Users.Get(ctx, b, nil)
		require.NoError(t, err)

		_, err = c.Users.Get(ctx, a, nil)
		rl := requireRefusedBeforeSending(t, err)
		assert.Equal(t, a, rl.BusinessID)
		assert.Equal(t, 7*time.Minute, rl.RetryAfter, "estimated_time_to_regain_access is in minutes")

		_, err = c.Users.Get(ctx, b, nil)
		require.NoError(t, err, "another account's budget is untouched")
		_, err = c.Media.Get(ctx, "1790", nil)
		require.NoError(t, err, "the app budget is untouched")
		assert.Equal(t, 4, mt.GetTotalCallCount())

		time.Sleep(7 * time.Minute)
		_, err = c.Users.Get(ctx, a, nil)
		require.NoError(t, err, "the account is back once the estimate passed")
	})
}

func TestThrottlingAnswersBlock(t *testing.T) {
	for _, tc := range []struct {
		name, body, biz string
		status          int
		retryAfter      string
		want            time.Duration
	}{
		{name: "app 4", body: `{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","is_transient":true,"code":4}}`, status: 403, retryAfter: "120", want: 2 * time.Minute},
		{name: "user 17", body: `{"error":{"message":"(#17) User request limit reached","type":"OAuthException","is_transient":true,"code":17,"error_subcode":2446079}}`, status: 403, want: instagram.DefaultCooldown},
		{name: "page 32", body: `{"error":{"message":"(#32) Page request limit reached","type":"OAuthException","code":32}}`, status: 403, want: instagram.DefaultCooldown},
		{name: "custom 613", body: `{"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","type":"OAuthException","code":613}}`, status: 400, want: instagram.DefaultCooldown},
		{name: "buc 80002", body: `{"error":{"message":"(#80002) There have been too many calls to this Instagram account.","type":"OAuthException","code":80002}}`, status: 400, biz: "17841400000000001", want: 13 * time.Minute},
		{name: "http 429", body: `{"error":{"message":"Too many requests","type":"OAuthException"}}`, status: 429, retryAfter: "30", want: 30 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, mt := newMockClient(t, instagram.WithLimits(instagram.Limits{MaxWait: -1}))
				const id = "17841400000000001"
				var hdr []string
				if tc.retryAfter != "" {
					hdr = append(hdr, "Retry-After", tc.retryAfter)
				}
				if tc.biz != "" {
					hdr = append(hdr, "X-Business-Use-Case-Usage", bucHeader(tc.biz, 100, 13))
				}
				mt.RegisterResponder("GET", testBase+"/v25.0/"+id, jsonResponder(tc.status, tc.body, hdr...))
				mt.RegisterResponder("GET", testBase+"/v25.0/17841400000000009", jsonResponder(200, `{"id":"17841400000000009"}`))
				_, err := c.Users.Get(t.Context(), id, nil)
				var rl *instagram.RateLimitError
				require.ErrorAs(t, err, &rl)
				require.NotNil(t, rl.Err, "Meta's answer is kept")
				assert.Equal(t, tc.want, rl.RetryAfter)
				assert.Equal(t, tc.biz, rl.BusinessID)
				assert.Equal(t, 1, mt.GetTotalCallCount(), "a throttled GET is not retried at once")

				_, err = c.Users.Get(t.Context(), id, nil)
				rl = requireRefusedBeforeSending(t, err)
				assert.Equal(t, tc.want, rl.RetryAfter)
				assert.Equal(t, 1, mt.GetTotalCallCount())

				_, err = c.Users.Get(t.Context(), "17841400000000009", nil)
				if tc.biz != "" {
					require.NoError(t, err, "a business throttle leaves other accounts alone")
				} else {
					requireRefusedBeforeSending(t, err)
				}

				time.Sleep(tc.want)
				_, err = c.Users.Get(t.Context(), id, nil)
				assert.ErrorIs(t, err, instagram.ErrRateLimited, "sent again (and throttled again) once the block passed")
				var again *instagram.RateLimitError
				require.ErrorAs(t, err, &again)
				assert.NotNil(t, again.Err, "this time Meta answered")
			})
		})
	}
}

func TestHugeBlocksAreCappedByMaxBlock(t *testing.T) {
	for _, tc := range []struct {
		name     string
		maxBlock time.Duration
		status   int
		body     string
		headers  []string
	}{
		{"retry-after 9e9 s", 0, 429, `{"error":{"message":"slow down","code":4}}`, []string{"Retry-After", "9000000000"}},
		{"retry-after 9e9 s, max block 2h", 2 * time.Hour, 429, `{"error":{"message":"slow down","code":4}}`, []string{"Retry-After", "9000000000"}},
		{"retry-after over int64", 0, 429, `{"error":{"message":"slow down","code":4}}`, []string{"Retry-After", "99999999999999999999"}},
		{"huge regain estimate on 200", 0, 200, `{"id":"17841400000000001"}`, []string{"X-Business-Use-Case-Usage", bucHeader("17841400000000001", 100, 9000000000000000)}},
		{"huge regain estimate on 80002", 0, 400, `{"error":{"message":"(#80002) too many calls","code":80002}}`, []string{"X-Business-Use-Case-Usage", bucHeader("17841400000000001", 100, 9000000000000000)}},
		{"huge regain estimate as string", 0, 200, `{"id":"17841400000000001"}`, []string{"X-Business-Use-Case-Usage", `{"17841400000000001":[{"type":"instagram","call_count":"100","estimated_time_to_regain_access":"900000000000000000"}]}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				limit := tc.maxBlock
				if limit == 0 {
					limit = instagram.DefaultMaxBlock
				}
				c, mt := newMockClient(t, instagram.WithLimits(instagram.Limits{MaxBlock: tc.maxBlock}))
				const id = "17841400000000001"
				mt.RegisterResponder("GET", testBase+"/v25.0/"+id, jsonResponder(tc.status, tc.body, tc.headers...))
				_, err := c.Users.Get(t.Context(), id, nil)
				var rl *instagram.RateLimitError
				if tc.status != 200 {
					require.ErrorAs(t, err, &rl)
					assert.Equal(t, limit, rl.RetryAfter)
				} else {
					require.NoError(t, err)
				}
				t0 := time.Now()
				_, err = c.Users.Get(t.Context(), id, nil)
				rl = requireRefusedBeforeSending(t, err)
				assert.LessOrEqual(t, rl.RetryAfter, limit)
				assert.Greater(t, rl.RetryAfter, limit-time.Minute, "blocked for about the cap")
				assert.Equal(t, t0, time.Now(), "a block over MaxWait fails at once")

				// Just before the cap ends, the call still fails (the rest of
				// the block is longer than the default MaxWait).
				time.Sleep(rl.RetryAfter - 2*instagram.DefaultMaxWait)
				_, err = c.Users.Get(t.Context(), id, nil)
				rl = requireRefusedBeforeSending(t, err)
				assert.Equal(t, 2*instagram.DefaultMaxWait, rl.RetryAfter)
				assert.Equal(t, 1, mt.GetTotalCallCount())

				mt.RegisterResponder("GET", testBase+"/v25.0/"+id, jsonResponder(200, `{"id":"`+id+`"}`))
				time.Sleep(rl.RetryAfter)
				_, err = c.Users.Get(t.Context(), id, nil)
				require.NoError(t, err, "calls go again once the cap passed")
				assert.Equal(t, 2, mt.GetTotalCallCount())
			})
		})
	}
}

func TestBudgetWaitHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`, "X-App-Usage", `{"call_volume":100}`))
		_, err := c.Media.Get(t.Context(), "1790", nil)
		require.NoError(t, err)

		// Cancellation in the middle of the wait ends it.
		ctx, cancel := context.WithCancel(t.Context())
		t0 := time.Now()
		go func() {
			time.Sleep(10 * time.Second)
			cancel()
		}()
		_, err = c.Media.Get(ctx, "1790", nil)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 10*time.Second, time.Since(t0))
		assert.Equal(t, 1, mt.GetTotalCallCount())

		// A deadline before the block's end fails at once, without waiting
		// for the deadline.
		ctx, cancel2 := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel2()
		t0 = time.Now()
		_, err = c.Media.Get(ctx, "1790", nil)
		rl := requireRefusedBeforeSending(t, err)
		assert.Equal(t, 50*time.Second, rl.RetryAfter)
		assert.Equal(t, t0, time.Now())
		assert.Equal(t, 1, mt.GetTotalCallCount())

		// A deadline after the block's end lets the call wait and go.
		ctx, cancel3 := context.WithTimeout(t.Context(), 51*time.Second)
		defer cancel3()
		_, err = c.Media.Get(ctx, "1790", nil)
		require.NoError(t, err)
		assert.Equal(t, 50*time.Second, time.Since(t0))
		assert.Equal(t, 2, mt.GetTotalCallCount())
	})
}

func TestMessagingThrottleDoesNotBlockOtherCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := newMockClient(t, instagram.WithLimits(instagram.Limits{MaxWait: -1}))
		mt.RegisterResponder("POST", testBase+"/v25.0/17841400000000001/messages", jsonResponder(400,
			`{"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","type":"OAuthException","code":613,"error_subcode":2534040}}`))
		mt.RegisterResponder("GET", testBase+"/v25.0/17841400000000001", jsonResponder(200, `{"id":"17841400000000001"}`))
		_, err := c.Messaging.Send(t.Context(), "17841400000000001", "6543210987654321", message.Text("hi"), nil)
		var rl *instagram.RateLimitError
		require.ErrorAs(t, err, &rl)
		require.NotNil(t, rl.Err)
		assert.Equal(t, 2534040, rl.Err.Subcode)
		for range 3 {
			_, err = c.Users.Get(t.Context(), "17841400000000001", nil)
			require.NoError(t, err, "a messaging throttle blocks neither the app nor the account")
		}
		assert.Equal(t, 4, mt.GetTotalCallCount())
	})
}

func TestDefaultMessagingLimits(t *testing.T) {
	l := instagram.DefaultMessagingLimits()
	assert.Equal(t, instagram.MessagingLimit{Calls: 2, Per: time.Second}, l.Conversations)
	assert.Equal(t, instagram.MessagingLimit{Calls: 300, Per: time.Second}, l.Send)
	assert.Equal(t, instagram.MessagingLimit{Calls: 10, Per: time.Second}, l.SendMedia)
	assert.Equal(t, instagram.MessagingLimit{Calls: 750, Per: time.Hour}, l.PrivateReplies)
	assert.Equal(t, instagram.MessagingLimit{Calls: 100, Per: time.Second}, l.LivePrivateReplies)
	assert.Equal(t, "2/1s", l.Conversations.String())
	assert.Equal(t, "750/1h0m0s", l.PrivateReplies.String())
	assert.Equal(t, "unlimited", instagram.MessagingLimit{Calls: -1}.String())
}

func TestLimitsValidation(t *testing.T) {
	for name, l := range map[string]instagram.Limits{
		"send without period":     {Messaging: instagram.MessagingLimits{Send: instagram.MessagingLimit{Calls: 5}}},
		"conversations no calls":  {Messaging: instagram.MessagingLimits{Conversations: instagram.MessagingLimit{Per: time.Second}}},
		"media negative period":   {Messaging: instagram.MessagingLimits{SendMedia: instagram.MessagingLimit{Calls: 1, Per: -time.Second}}},
		"replies no calls":        {Messaging: instagram.MessagingLimits{PrivateReplies: instagram.MessagingLimit{Calls: 0, Per: time.Hour}}},
		"live without period":     {Messaging: instagram.MessagingLimits{LivePrivateReplies: instagram.MessagingLimit{Calls: 3}}},
		"threshold over 100":      {Threshold: 101},
		"threshold negative":      {Threshold: -1},
		"negative cooldown":       {Cooldown: -time.Second},
		"negative max block":      {MaxBlock: -time.Second},
		"negative hashtag window": {HashtagWindow: -time.Hour},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := instagram.NewClient(instagram.WithAccessToken(testToken), instagram.WithLimits(l))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, instagram.ErrValidation)
		})
	}
	_, err := instagram.NewClient(instagram.WithAccessToken(testToken), instagram.WithLimits(instagram.Limits{
		MaxWait:   -1,
		Threshold: 100,
		Messaging: instagram.MessagingLimits{Send: instagram.MessagingLimit{Calls: -1}},
	}))
	require.NoError(t, err, "no limit (Calls < 0) and fail fast are valid")
}

// pacedClient returns a client in the current bubble whose messaging calls
// all succeed, with their fake-clock times recorded.
func pacedClient(t *testing.T, l instagram.Limits) (*instagram.Client, *stamps) {
	t.Helper()
	c, mt := newMockClient(t, instagram.WithLimits(l))
	s := &stamps{}
	for _, acct := range []string{"17841400000000001", "17841400000000002"} {
		mt.RegisterResponder("POST", testBase+"/v25.0/"+acct+"/messages", s.responder(200, sendOK))
		mt.RegisterResponder("GET", testBase+"/v25.0/"+acct+"/conversations", s.responder(200, `{"data":[]}`))
	}
	mt.RegisterResponder("GET", testBase+"/v25.0/conv1", s.responder(200, `{"id":"conv1"}`))
	mt.RegisterResponder("GET", testBase+"/v25.0/m_1", s.responder(200, `{"id":"m_1"}`))
	return c, s
}

// spaced is the interval between paced calls of a limit: Per/Calls
// widened by a tenth.
func spaced(l instagram.MessagingLimit) time.Duration {
	return l.Per * 11 / 10 / time.Duration(l.Calls)
}

func TestMessagingPacingSpacesCallsPerKind(t *testing.T) {
	d := instagram.DefaultMessagingLimits()
	const acct = "17841400000000001"
	text := message.Text("hi")
	audio := message.Audio(message.FromURL("https://cdn.test/a.mp3"))
	for _, tc := range []struct {
		name  string
		limit instagram.MessagingLimit
		call  func(ctx context.Context, c *instagram.Client, i int) error
	}{
		{"send", d.Send, func(ctx context.Context, c *instagram.Client, _ int) error {
			_, err := c.Messaging.Send(ctx, acct, "6543210987654321", text, nil)
			return err
		}},
		{"reactions count as sends", d.Send, func(ctx context.Context, c *instagram.Client, _ int) error {
			return c.Messaging.React(ctx, acct, "6543210987654321", "m_1", "love")
		}},
		{"media", d.SendMedia, func(ctx context.Context, c *instagram.Client, _ int) error {
			_, err := c.Messaging.Send(ctx, acct, "6543210987654321", audio, nil)
			return err
		}},
		{"private replies", d.PrivateReplies, func(ctx context.Context, c *instagram.Client, i int) error {
			_, err := c.Messaging.PrivateReply(ctx, acct, fmt.Sprint("1790000", i), text, nil)
			return err
		}},
		{"live private replies", d.LivePrivateReplies, func(ctx context.Context, c *instagram.Client, i int) error {
			_, err := c.Messaging.PrivateReply(ctx, acct, fmt.Sprint("1790000", i), text, &instagram.PrivateReplyOptions{Live: true})
			return err
		}},
		{"conversations", d.Conversations, func(ctx context.Context, c *instagram.Client, i int) error {
			var err error
			switch i % 3 {
			case 0:
				_, err = c.Messaging.Conversations(ctx, acct, nil)
			case 1:
				_, err = c.Messaging.Conversation(ctx, "conv1", nil)
			default:
				_, err = c.Messaging.Message(ctx, "m_1", nil)
			}
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// MaxWait long enough for the slowest (private replies).
				c, s := pacedClient(t, instagram.Limits{MaxWait: time.Minute})
				iv := spaced(tc.limit)
				t0 := time.Now()
				for i := range 4 {
					require.NoError(t, tc.call(t.Context(), c, i))
				}
				want := []time.Duration{0, iv, 2 * iv, 3 * iv}
				assert.Equal(t, want, sinceStart(t0, s.times()))

				// Concurrent callers are spaced the same way.
				time.Sleep(time.Hour)
				t1 := time.Now()
				var wg sync.WaitGroup
				for i := range 4 {
					wg.Go(func() { assert.NoError(t, tc.call(t.Context(), c, i)) })
				}
				wg.Wait()
				assert.Equal(t, want, sinceStart(t1, s.times()[4:]))
			})
		})
	}
}

func TestMessagingPacingIsPerAccountAndKind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := pacedClient(t, instagram.Limits{MaxWait: -1})
		const a, b = "17841400000000001", "17841400000000002"
		ctx := t.Context()
		text := message.Text("hi")
		video := message.Video(message.FromURL("https://cdn.test/v.mp4"))

		_, err := c.Messaging.Send(ctx, a, "u1", text, nil)
		require.NoError(t, err)
		_, err = c.Messaging.Send(ctx, a, "u1", video, nil)
		require.NoError(t, err, "audio and video have their own limit")
		_, err = c.Messaging.PrivateReply(ctx, a, "17900001", text, nil)
		require.NoError(t, err, "private replies have their own limit")
		_, err = c.Messaging.PrivateReply(ctx, a, "17900002", text, &instagram.PrivateReplyOptions{Live: true})
		require.NoError(t, err, "live replies have their own limit")
		_, err = c.Messaging.Conversations(ctx, a, nil)
		require.NoError(t, err, "conversation reads have their own limit")
		_, err = c.Messaging.Send(ctx, b, "u1", text, nil)
		require.NoError(t, err, "another account has its own limits")
		_, err = c.Messaging.Send(ctx, b, "u1", video, nil)
		require.NoError(t, err)
		_, err = c.Messaging.PrivateReply(ctx, b, "17900003", text, nil)
		require.NoError(t, err)
		require.Len(t, s.times(), 8)

		// Each of them is now spent until its interval passes; MaxWait -1
		// fails at once.
		d := instagram.DefaultMessagingLimits()
		for _, tc := range []struct {
			name string
			want time.Duration
			err  error
		}{
			{"send", spaced(d.Send), func() error { _, err := c.Messaging.Send(ctx, a, "u2", text, nil); return err }()},
			{"action", spaced(d.Send), c.Messaging.SendAction(ctx, a, "u2", instagram.SenderActionTypingOn)},
			{"media", spaced(d.SendMedia), func() error { _, err := c.Messaging.Send(ctx, b, "u2", video, nil); return err }()},
			{"reply", spaced(d.PrivateReplies), func() error {
				_, err := c.Messaging.PrivateReply(ctx, a, "17900004", text, nil)
				return err
			}()},
			{"live", spaced(d.LivePrivateReplies), func() error {
				_, err := c.Messaging.PrivateReply(ctx, a, "17900005", text, &instagram.PrivateReplyOptions{Live: true})
				return err
			}()},
			{"conversation read (one limit per token)", spaced(d.Conversations), func() error { _, err := c.Messaging.Message(ctx, "m_1", nil); return err }()},
			{"conversations of another account (same token)", spaced(d.Conversations), func() error {
				_, err := c.Messaging.Conversations(ctx, b, nil)
				return err
			}()},
		} {
			rl := requireRefusedBeforeSending(t, tc.err)
			assert.Equal(t, tc.want, rl.RetryAfter, tc.name)
		}
		assert.Len(t, s.times(), 8, "refused calls never reach the API")
	})
}

func TestMessagingPacingFailsPastMaxWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := pacedClient(t, instagram.Limits{
			MaxWait:   10 * time.Minute,
			Messaging: instagram.MessagingLimits{PrivateReplies: instagram.MessagingLimit{Calls: 2, Per: time.Hour}},
		})
		ctx := t.Context()
		text := message.Text("hi")
		reply := func(i int) error {
			_, err := c.Messaging.PrivateReply(ctx, "17841400000000001", fmt.Sprint("1790000", i), text, nil)
			return err
		}
		require.NoError(t, reply(1))
		t0 := time.Now()
		err := reply(2)
		rl := requireRefusedBeforeSending(t, err)
		assert.Equal(t, 33*time.Minute, rl.RetryAfter, "one slot every 30 min widened by a tenth")
		assert.Equal(t, t0, time.Now(), "no wait started")

		// A deadline shorter than the slot fails at once too.
		time.Sleep(30 * time.Minute)
		dctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		_, err = c.Messaging.PrivateReply(dctx, "17841400000000001", "17900003", text, nil)
		rl = requireRefusedBeforeSending(t, err)
		assert.Equal(t, 3*time.Minute, rl.RetryAfter)

		// Within MaxWait the call waits for its slot and goes.
		require.NoError(t, reply(4))
		assert.Equal(t, 33*time.Minute, time.Since(t0))
		assert.Len(t, s.times(), 2)
	})
}

func TestMessagingPacingWaitEndsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := pacedClient(t, instagram.Limits{Messaging: instagram.MessagingLimits{Send: instagram.MessagingLimit{Calls: 1, Per: 50 * time.Second}}})
		ctx, cancel := context.WithCancel(t.Context())
		_, err := c.Messaging.Send(ctx, "17841400000000001", "u1", message.Text("a"), nil)
		require.NoError(t, err)
		go func() {
			time.Sleep(5 * time.Second)
			cancel()
		}()
		t0 := time.Now()
		_, err = c.Messaging.Send(ctx, "17841400000000001", "u1", message.Text("b"), nil)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 5*time.Second, time.Since(t0))
		assert.Len(t, s.times(), 1)
	})
}

func TestMessagingLimitsDisabledOrUnlimited(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, l := range []instagram.Limits{
			{Disabled: true},
			{Messaging: instagram.MessagingLimits{Send: instagram.MessagingLimit{Calls: -1}}},
		} {
			c, s := pacedClient(t, l)
			for range 5 {
				_, err := c.Messaging.Send(t.Context(), "17841400000000001", "u1", message.Text("a"), nil)
				require.NoError(t, err)
			}
			ts := s.times()
			require.Len(t, ts, 5)
			assert.Equal(t, ts[0], ts[4], "no spacing")
		}
	})
}

func TestSharedMemoryStoreSharesBlocksAndPacing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := instagram.NewMemoryLimitStore()
		l := instagram.Limits{Store: store, MaxWait: -1}
		c1, mt1 := newMockClient(t, instagram.WithLimits(l))
		c2, mt2 := newMockClient(t, instagram.WithLimits(l))
		mt1.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`, "X-App-Usage", `{"call_volume":100}`))
		mt2.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`))
		const a = "17841400000000001"
		mt2.RegisterResponder("GET", testBase+"/v25.0/"+a, jsonResponder(200, `{"id":"`+a+`"}`, "X-Business-Use-Case-Usage", bucHeader(a, 10, 3)))
		mt1.RegisterResponder("GET", testBase+"/v25.0/"+a, jsonResponder(200, `{"id":"`+a+`"}`))

		_, err := c1.Media.Get(t.Context(), "1790", nil)
		require.NoError(t, err)
		_, err = c2.Media.Get(t.Context(), "1790", nil)
		rl := requireRefusedBeforeSending(t, err)
		assert.Equal(t, instagram.DefaultCooldown, rl.RetryAfter, "c2 honours the block c1 saw")
		assert.Zero(t, mt2.GetTotalCallCount())

		time.Sleep(instagram.DefaultCooldown)
		_, err = c2.Users.Get(t.Context(), a, nil)
		require.NoError(t, err)
		_, err = c1.Users.Get(t.Context(), a, nil)
		rl = requireRefusedBeforeSending(t, err)
		assert.Equal(t, a, rl.BusinessID, "c1 honours the business block c2 saw")
		assert.Equal(t, 3*time.Minute, rl.RetryAfter)

		// Pacing: slots of one account are shared, waits included.
		c3, s3 := pacedClient(t, instagram.Limits{Store: store})
		c4, s4 := pacedClient(t, instagram.Limits{Store: store})
		t0 := time.Now()
		const b = "17841400000000002" // a is blocked for 3 minutes
		for range 2 {
			_, err = c3.Messaging.Send(t.Context(), b, "u", message.Text("a"), nil)
			require.NoError(t, err)
			_, err = c4.Messaging.Send(t.Context(), b, "u", message.Text("b"), nil)
			require.NoError(t, err)
		}
		iv := spaced(instagram.DefaultMessagingLimits().Send)
		assert.Equal(t, []time.Duration{0, 2 * iv}, sinceStart(t0, s3.times()))
		assert.Equal(t, []time.Duration{iv, 3 * iv}, sinceStart(t0, s4.times()))

		// Conversation reads share a limit per token: both clients have the
		// same token.
		_, err = c3.Messaging.Message(t.Context(), "m_1", nil)
		require.NoError(t, err)
		_, err = c4.Messaging.Message(t.Context(), "m_1", nil)
		require.NoError(t, err)
		conv := spaced(instagram.DefaultMessagingLimits().Conversations)
		assert.Equal(t, conv, s4.times()[2].Sub(s3.times()[2]))

		budgets, err := store.Budgets(t.Context(), 100)
		require.NoError(t, err)
		keys := map[string]bool{}
		for _, o := range budgets {
			keys[o.Key] = true
		}
		assert.True(t, keys["app"] && keys["buc:"+a], "the store holds both budgets: %v", budgets)
	})
}

// brokenStore is a LimitStore whose every method fails.
type brokenStore struct{ calls int }

var errStoreDown = errors.New("store down")

func (s *brokenStore) Observe(context.Context, []instagram.BudgetObservation, time.Duration) error {
	s.calls++
	return errStoreDown
}
func (s *brokenStore) Blocked(context.Context, []string, time.Time) (time.Time, error) {
	s.calls++
	return time.Time{}, errStoreDown
}
func (s *brokenStore) Budgets(context.Context, int) ([]instagram.BudgetObservation, error) {
	s.calls++
	return nil, errStoreDown
}
func (s *brokenStore) Reserve(context.Context, string, time.Duration, time.Duration, time.Time) (time.Duration, bool, error) {
	s.calls++
	return 0, false, errStoreDown
}
func (s *brokenStore) Use(context.Context, string, string, int, time.Duration, time.Time) (bool, time.Time, error) {
	s.calls++
	return false, time.Time{}, errStoreDown
}

func TestFailingStoreFallsBackToLocalState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &debugRecorder{}
		store := &brokenStore{}
		c, s := pacedClient(t, instagram.Limits{Store: store, MaxWait: -1})
		c2, mt := newMockClient(t, instagram.WithLogger(slog.New(rec)), instagram.WithLimits(instagram.Limits{Store: store, MaxWait: -1}))
		_ = c
		mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`))
		mt.RegisterResponder("GET", testBase+"/v25.0/1791", jsonResponder(200, `{"id":"1791"}`, "X-App-Usage", `{"call_volume":100}`))
		mt.RegisterResponder("POST", testBase+"/v25.0/17841400000000001/messages", jsonResponder(200, sendOK))
		ctx := t.Context()
		for range 3 {
			_, err := c2.Media.Get(ctx, "1790", nil)
			require.NoError(t, err, "a failing store fails no call")
		}
		_, err := c2.Messaging.Send(ctx, "17841400000000001", "u", message.Text("a"), nil)
		require.NoError(t, err, "pacing goes on with local slots")
		_, err = c2.Messaging.Send(ctx, "17841400000000001", "u", message.Text("b"), nil)
		requireRefusedBeforeSending(t, err) // the local slot it booked itself holds
		_, err = c2.Media.Get(ctx, "1791", nil)
		require.NoError(t, err)
		_, err = c2.Media.Get(ctx, "1790", nil)
		requireRefusedBeforeSending(t, err) // blocked by what it saw itself
		assert.Equal(t, 5, mt.GetTotalCallCount())
		assert.Positive(t, store.calls, "the store was asked")
		assert.Equal(t, 1, rec.count(slog.LevelWarn, "limit store failed"), "one warning, not one per call")
		assert.Empty(t, s.times())
	})
}
