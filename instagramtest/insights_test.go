package instagramtest

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAccountInsightsWire(t *testing.T) {
	clk := newFakeClock()
	s := newTestServer(t, WithClock(clk.Now))
	acct := s.Account()
	today := clk.Now().UTC().Truncate(24 * time.Hour)
	since := strconv.FormatInt(today.Add(-2*24*time.Hour).Unix(), 10)
	until := strconv.FormatInt(today.Unix(), 10)

	a := get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/insights?metric=reach&period=day&since="+since+"&until="+until)
	require.Equal(t, http.StatusOK, a.Status, string(a.Raw))
	rows := data(t, a)
	require.Len(t, rows, 1)
	r := rows[0]
	assert.Equal(t, "reach", r["name"])
	assert.Equal(t, s.UserID+"/insights/reach/day", r["id"])
	vals := r["values"].([]any)
	require.Len(t, vals, 2)
	assert.EqualValues(t, acct.Insights.Daily["reach"][1], vals[0].(map[string]any)["value"])
	assert.Equal(t, formatTime(today.Add(-24*time.Hour)), vals[0].(map[string]any)["end_time"])
	assert.EqualValues(t, acct.Insights.Daily["reach"][0], vals[1].(map[string]any)["value"])

	// Paging links move the window and carry the token, as Meta's do.
	next, err := url.Parse(paging(a)["next"].(string))
	require.NoError(t, err)
	assert.Equal(t, until, next.Query().Get("since"))
	assert.Equal(t, strconv.FormatInt(today.Add(2*24*time.Hour).Unix(), 10), next.Query().Get("until"))
	assert.Equal(t, s.AccessToken, next.Query().Get("access_token"))
	prev, err := url.Parse(paging(a)["previous"].(string))
	require.NoError(t, err)
	assert.Equal(t, since, prev.Query().Get("until"))

	a = get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/insights?metric=likes&period=day&metric_type=total_value&breakdown=media_product_type")
	tv := data(t, a)[0]["total_value"].(map[string]any)
	assert.EqualValues(t, acct.Insights.Daily["likes"][0], tv["value"])
	bd := tv["breakdowns"].([]any)[0].(map[string]any)
	assert.Equal(t, []any{"media_product_type"}, bd["dimension_keys"])

	for q, want := range map[string]string{
		"metric=impressions&period=day":                                 "v22.0",
		"metric=clicks&period=day":                                      "must be one of",
		"metric=reach":                                                  "period is required",
		"metric=reach&period=week":                                      "Incompatible period",
		"metric=likes&period=day":                                       "metric_type=total_value",
		"metric=likes&period=day&breakdown=media_product_type":          "requires metric_type=total_value",
		"metric=likes&period=day&metric_type=total_value&breakdown=age": "not supported",
		"metric=follower_demographics&period=lifetime&metric_type=total_value&breakdown=age":       "timeframe",
		"metric=follower_demographics&period=lifetime&metric_type=total_value&timeframe=this_week": "requires a breakdown",
		"metric=follower_count&period=day&metric_type=total_value":                                 "not supported",
		"metric=reach&period=day&since=1000&until=999999999":                                       "30 days",
	} {
		a := get(t, s, s.AccessToken, "/v25.0/"+s.UserID+"/insights?"+q)
		require.Equal(t, http.StatusBadRequest, a.Status, q)
		e := a.graphErr(t)
		assert.EqualValues(t, 100, e["code"], q)
		assert.Contains(t, e["message"], want, q)
	}

	a = get(t, s, s.AccessToken, "/v25.0/"+s.Network().Accounts[0].ID+"/insights?metric=reach&period=day")
	_, sub := a.code(t)
	assert.Equal(t, 33, sub, "another account's insights")
}

func TestMediaInsightsWire(t *testing.T) {
	s := newTestServer(t)
	var feed Media
	for _, m := range s.Media() {
		if m.MediaProductType == "FEED" && m.MediaType == "IMAGE" {
			feed = m
			break
		}
	}
	a := get(t, s, s.FacebookAccessToken, "/v25.0/"+feed.ID+"/insights?metric=profile_activity,reach&breakdown=action_type")
	code, _ := a.code(t)
	assert.Equal(t, 100, code, "reach does not take action_type")

	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+feed.ID+"/insights?metric=profile_activity&breakdown=action_type")
	rows := data(t, a)
	require.Len(t, rows, 1)
	r := rows[0]
	assert.Equal(t, "lifetime", r["period"])
	v := r["values"].([]any)[0].(map[string]any)["value"]
	tv := r["total_value"].(map[string]any)
	assert.Equal(t, v, tv["value"])
	sum := 0.0
	for _, res := range tv["breakdowns"].([]any)[0].(map[string]any)["results"].([]any) {
		sum += res.(map[string]any)["value"].(float64)
	}
	assert.Equal(t, v, sum)

	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+feed.ID+"/insights?metric=plays")
	assert.Contains(t, a.graphErr(t)["message"], "v22.0")
	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+feed.ID+"/insights?metric=reach&period=day")
	assert.Contains(t, a.graphErr(t)["message"], "Incompatible period")
}
