package instagram_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

func TestParseUsage(t *testing.T) {
	h := http.Header{}
	h.Set("X-App-Usage", `{"call_count": 28, "total_time": 25, "total_cputime": 25}`)
	h.Set("X-Page-Usage", `{"call_count":"85","total_time":"60","total_cputime":"56"}`)
	h.Set("X-Business-Use-Case-Usage", `{"17841400000000001":[{"type":"instagram","call_count":100,"total_cputime":25,"total_time":25,"estimated_time_to_regain_access":19}],"66782684":[{"type":"ads_management","call_count":95,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":0,"ads_api_access_tier":"standard_access"}]}`)
	h.Set("X-Ratelimit-Limit", "5000")
	h.Set("X-Ratelimit-Remaining", "4999")
	u, err := instagram.ParseUsage(h)
	require.NoError(t, err)
	assert.Equal(t, &instagram.AppUsage{CallCount: 28, TotalTime: 25, TotalCPUTime: 25}, u.App)
	assert.Equal(t, 85, u.Page.Max())
	ig := u.Business["17841400000000001"]
	require.Len(t, ig, 1)
	assert.Equal(t, "instagram", ig[0].Type)
	assert.Equal(t, 19, ig[0].EstimatedTimeToRegainAccess)
	assert.Equal(t, "standard_access", u.Business["66782684"][0].AdsAPIAccessTier)
	assert.Equal(t, &instagram.LegacyUsage{Limit: 5000, Remaining: 4999}, u.Legacy)

	u, err = instagram.ParseUsage(http.Header{})
	require.NoError(t, err)
	assert.True(t, u.Empty())
}

func TestParseUsageMalformed(t *testing.T) {
	for name, hdr := range map[string][2]string{
		"app not json":       {"X-App-Usage", `call_count=5`},
		"app truncated":      {"X-App-Usage", `{"call_count": 5`},
		"buc wrong shape":    {"X-Business-Use-Case-Usage", `[1,2,3]`},
		"buc entry not list": {"X-Business-Use-Case-Usage", `{"1":{"type":"instagram"}}`},
		"legacy not number":  {"X-Ratelimit-Remaining", `lots`},
	} {
		t.Run(name, func(t *testing.T) {
			h := http.Header{}
			h.Set(hdr[0], hdr[1])
			h.Set("X-Page-Usage", `{"call_count":7}`) // a good header beside the bad one survives
			u, err := instagram.ParseUsage(h)
			assert.Error(t, err)
			require.NotNil(t, u.Page)
			assert.Equal(t, 7, u.Page.CallCount)
		})
	}

	// A malformed header never fails the call itself.
	c, mt := newMockClient(t)
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`, "X-App-Usage", "{{{"))
	_, err := c.Media.Get(context.Background(), "1790", nil)
	assert.NoError(t, err)
}

func TestPreflightFailsFastWithoutNetwork(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`,
		"X-App-Usage", `{"call_count":100,"total_time":10,"total_cputime":10}`))
	ctx := context.Background()
	_, err := c.Media.Get(ctx, "1790", nil)
	require.NoError(t, err, "the call that reports 100% succeeds")
	require.Equal(t, 1, mt.GetTotalCallCount())

	for range 5 {
		_, err = c.Media.Get(ctx, "1790", nil)
		var rl *instagram.RateLimitError
		require.ErrorAs(t, err, &rl)
		assert.ErrorIs(t, err, instagram.ErrRateLimited)
		assert.Nil(t, rl.Err, "refused before sending")
		assert.Positive(t, rl.RetryAfter)
		assert.Equal(t, 100, rl.Usage.App.CallCount)
	}
	assert.Equal(t, 1, mt.GetTotalCallCount(), "no request left while the budget was exhausted")
}

func TestPreflightPerBusinessAccount(t *testing.T) {
	c, mt := newMockClient(t)
	buc := func(id string, pct, eta int) string {
		return fmt.Sprintf(`{"%s":[{"type":"instagram","call_count":%d,"total_cputime":5,"total_time":5,"estimated_time_to_regain_access":%d}]}`, id, pct, eta)
	}
	mt.RegisterResponder("GET", testBase+"/v25.0/17841400000000002", jsonResponder(200, `{"id":"17841400000000002"}`, "X-Business-Use-Case-Usage", buc("17841400000000002", 3, 0)))
	mt.RegisterResponder("GET", testBase+"/v25.0/17841400000000001", jsonResponder(200, `{"id":"17841400000000001"}`, "X-Business-Use-Case-Usage", buc("17841400000000001", 100, 7)))
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`))
	ctx := context.Background()
	_, err := c.Users.Get(ctx, "17841400000000002", nil)
	require.NoError(t, err)
	_, err = c.Users.Get(ctx, "17841400000000001", nil)
	require.NoError(t, err)

	_, err = c.Users.Get(ctx, "17841400000000001", nil)
	var rl *instagram.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, "17841400000000001", rl.BusinessID)
	assert.InDelta(t, (7 * time.Minute).Seconds(), rl.RetryAfter.Seconds(), 2)

	_, err = c.Users.Get(ctx, "17841400000000002", nil)
	assert.NoError(t, err, "another known account's budget is untouched")

	// A call on an object of unknown owner (a media) may spend the
	// exhausted account's budget: it is held back too.
	_, err = c.Media.Get(ctx, "1790", nil)
	assert.ErrorIs(t, err, instagram.ErrRateLimited)
	assert.Equal(t, 3, mt.GetTotalCallCount())
}

func TestThrottledAnswerBlocksFollowingCalls(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(403, string(fixture(t, "errors/app_limit.json")), "Retry-After", "120"))
	ctx := context.Background()
	_, err := c.Media.Get(ctx, "1790", nil)
	var rl *instagram.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, 2*time.Minute, rl.RetryAfter)
	require.NotNil(t, rl.Err)
	assert.Equal(t, 4, rl.Err.Code)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "a throttled GET is not retried at once")

	_, err = c.Media.Get(ctx, "1790", nil)
	require.ErrorAs(t, err, &rl)
	assert.Nil(t, rl.Err)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestPreflightWaitHonoursContext(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithRateLimitPolicy(instagram.RateLimitPolicy{Wait: true, Cooldown: time.Hour}))
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`,
		"X-App-Usage", `{"call_count":100,"total_time":1,"total_cputime":1}`))
	_, err := c.Media.Get(context.Background(), "1790", nil)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err = c.Media.Get(ctx, "1790", nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestPreflightWaitsForBudget(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithRateLimitPolicy(instagram.RateLimitPolicy{Wait: true, Cooldown: 100 * time.Millisecond}))
	n := 0
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", func(r *http.Request) (*http.Response, error) {
		n++
		usage := `{"call_count":100,"total_time":1,"total_cputime":1}`
		if n > 1 {
			usage = `{"call_count":3,"total_time":1,"total_cputime":1}`
		}
		return jsonResponder(200, `{"id":"1790"}`, "X-App-Usage", usage)(r)
	})
	ctx := context.Background()
	_, err := c.Media.Get(ctx, "1790", nil)
	require.NoError(t, err)
	start := time.Now()
	_, err = c.Media.Get(ctx, "1790", nil)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 90*time.Millisecond, "waited for the cooldown")
	_, err = c.Media.Get(ctx, "1790", nil)
	require.NoError(t, err, "usage under the threshold lifted the block")
	assert.Equal(t, 3, mt.GetTotalCallCount())

	// MaxWait shorter than the expected wait fails fast.
	c, mt = newMockClient(t, instagram.WithRateLimitPolicy(instagram.RateLimitPolicy{Wait: true, MaxWait: time.Millisecond, Cooldown: time.Hour}))
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`, "X-App-Usage", `{"call_count":100}`))
	_, _ = c.Media.Get(ctx, "1790", nil)
	_, err = c.Media.Get(ctx, "1790", nil)
	assert.True(t, errors.Is(err, instagram.ErrRateLimited))
}

func TestThresholdBelow100(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithRateLimitPolicy(instagram.RateLimitPolicy{Threshold: 80}))
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`, "X-App-Usage", `{"call_count":12,"total_time":81,"total_cputime":3}`))
	_, err := c.Media.Get(context.Background(), "1790", nil)
	require.NoError(t, err)
	_, err = c.Media.Get(context.Background(), "1790", nil)
	assert.ErrorIs(t, err, instagram.ErrRateLimited)
}

func TestUsageOnResponse(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`,
		"X-App-Usage", `{"call_count":9,"total_time":8,"total_cputime":7}`, "facebook-api-version", "v25.0", "x-fb-trace-id", "TRACE1"))
	var resp instagram.Response
	_, err := c.Media.Get(instagram.CaptureResponse(context.Background(), &resp), "1790", nil)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, 9, resp.Usage.App.CallCount)
	assert.Equal(t, "v25.0", resp.APIVersion)
	assert.Equal(t, "TRACE1", resp.TraceID)
	assert.Equal(t, 9, c.Usage().App.CallCount)
}

func TestMessagingThrottleDoesNotBlockTheClient(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testBase+"/v25.0/me/messages", jsonResponder(400,
		`{"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","type":"OAuthException","code":613,"error_subcode":2534040}}`))
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`))
	ctx := context.Background()
	req, err := c.NewRequest(ctx, "POST", "me/messages", nil, instagram.JSONBody(map[string]any{"recipient": map[string]string{"id": "1"}}))
	require.NoError(t, err)
	_, err = c.Do(req, nil)
	var rl *instagram.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Positive(t, rl.RetryAfter)
	_, err = c.Media.Get(ctx, "1790", nil)
	assert.NoError(t, err, "a messaging throttle leaves other calls alone")
}
