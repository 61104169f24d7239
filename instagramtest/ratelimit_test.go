package instagramtest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func appUsageOf(t *testing.T, a answer) map[string]int {
	t.Helper()
	var u map[string]int
	require.NoError(t, json.Unmarshal([]byte(a.Header.Get("X-App-Usage")), &u))
	return u
}

func bucOf(t *testing.T, a answer, account string) map[string]any {
	t.Helper()
	var u map[string][]map[string]any
	require.NoError(t, json.Unmarshal([]byte(a.Header.Get("X-Business-Use-Case-Usage")), &u))
	require.Len(t, u[account], 1)
	return u[account][0]
}

func TestAccountBudget(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now), WithAccountRateLimit(4, time.Hour))
	for i, want := range []float64{25, 50, 75, 100} {
		a := get(t, s, s.AccessToken, "/v25.0/me")
		require.Equal(t, http.StatusOK, a.Status, i)
		assert.Equal(t, want, bucOf(t, a, s.UserID)["call_count"])
	}
	clk.Advance(20*time.Minute + 30*time.Second)
	a := get(t, s, s.AccessToken, "/v25.0/me")
	assert.Equal(t, http.StatusForbidden, a.Status)
	e := a.graphErr(t)
	assert.EqualValues(t, 80002, e["code"])
	assert.Equal(t, "OAuthException", e["type"])
	assert.Equal(t, "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.", e["message"])
	buc := bucOf(t, a, s.UserID)
	assert.EqualValues(t, 100, buc["call_count"])
	assert.EqualValues(t, 40, buc["estimated_time_to_regain_access"], "39.5 minutes, rounded up")
	assert.Equal(t, "2370", a.Header.Get("Retry-After"))

	st := s.Stats()
	assert.Equal(t, 4, st.Calls)
	assert.Equal(t, 1, st.Throttled)
	assert.Equal(t, 4, st.AccountWindowCalls)

	// The next window restores the budget.
	clk.Advance(40 * time.Minute)
	b := get(t, s, s.AccessToken, "/v25.0/me")
	assert.Equal(t, http.StatusOK, b.Status)
	assert.EqualValues(t, 25, bucOf(t, b, s.UserID)["call_count"])
	assert.EqualValues(t, 0, bucOf(t, b, s.UserID)["estimated_time_to_regain_access"])
	assert.Empty(t, b.Header.Get("Retry-After"))
	assert.Equal(t, 1, s.Stats().AccountWindowCalls)
}

func TestAppBudget(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now), WithAppRateLimit(2, time.Minute))
	assert.Equal(t, 50, appUsageOf(t, get(t, s, s.AccessToken, "/v25.0/me"))["call_count"])
	assert.Equal(t, 100, appUsageOf(t, get(t, s, s.FacebookAccessToken, "/v25.0/me"))["call_count"])
	a := get(t, s, s.AccessToken, "/v25.0/me")
	assert.Equal(t, http.StatusForbidden, a.Status)
	e := a.graphErr(t)
	assert.EqualValues(t, 4, e["code"])
	assert.Equal(t, true, e["is_transient"])
	assert.Equal(t, "(#4) Application request limit reached", e["message"])
	assert.Equal(t, 100, appUsageOf(t, a)["call_count"])
	assert.Equal(t, "60", a.Header.Get("Retry-After"))
	assert.Equal(t, 2, s.Stats().AppWindowCalls)
	clk.Advance(time.Minute)
	assert.Equal(t, http.StatusOK, get(t, s, s.AccessToken, "/v25.0/me").Status)
}

func TestBothBudgetsAccountWins(t *testing.T) {
	s := newTestServer(t, WithRateLimit(1, time.Hour))
	require.Equal(t, http.StatusOK, get(t, s, s.AccessToken, "/v25.0/me").Status)
	code, _ := get(t, s, s.AccessToken, "/v25.0/me").code(t)
	assert.Equal(t, 80002, code, "the account limit wins over the app limit")
	// App tokens act for no account: they meet the app limit.
	code, _ = get(t, s, s.AppAccessToken(), "/v25.0/"+s.UserID).code(t)
	assert.Equal(t, 4, code)
	st := s.Stats()
	assert.Equal(t, 1, st.Calls)
	assert.Equal(t, 2, st.Throttled)
	assert.Equal(t, 3, st.Requests)
}

func TestUsageHeadersOnErrors(t *testing.T) {
	s := newTestServer(t, WithRateLimit(10, time.Hour))
	get(t, s, s.AccessToken, "/v25.0/me")
	a := get(t, s, "bogus", "/v25.0/me")
	assert.Equal(t, 10, appUsageOf(t, a)["call_count"], "failed auth is not counted but reports usage")
	b := get(t, s, s.AccessToken, "/v25.0/17999999999999999")
	assert.Equal(t, 20, appUsageOf(t, b)["call_count"], "a call that reached a handler counts, even if it failed")
}
