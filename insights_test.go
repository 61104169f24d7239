package instagram_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

func TestAccountInsightsTotalValueWithBreakdowns(t *testing.T) {
	c, mt := newMockClient(t)
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/17841405309211844/insights", recordTo(&got, 200,
		`{"data":[{"name":"reach","period":"day","title":"Accounts reached","description":"The number of unique accounts","total_value":{"value":224,"breakdowns":[{"dimension_keys":["media_product_type"],"results":[{"dimension_values":["CAROUSEL_CONTAINER"],"value":100},{"dimension_values":["POST"],"value":124}]}]},"id":"17841405309211844/insights/reach/day"}],"paging":{"previous":"p","next":"n"}}`))
	since := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	until := since.Add(7 * 24 * time.Hour)
	res, err := c.Insights.Account(rctx, "17841405309211844", &instagram.AccountInsightsOptions{
		Metrics:    []instagram.Metric{instagram.MetricReach, instagram.MetricViews},
		MetricType: instagram.MetricTypeTotalValue,
		Breakdowns: []instagram.Breakdown{instagram.BreakdownMediaProductType},
		Since:      instagram.Time{Time: since}, Until: instagram.Time{Time: until},
	})
	require.NoError(t, err)
	q := got[0].Query
	assert.Equal(t, "reach,views", q.Get("metric"))
	assert.Equal(t, "day", q.Get("period"), "period defaults to day")
	assert.Equal(t, "total_value", q.Get("metric_type"))
	assert.Equal(t, "media_product_type", q.Get("breakdown"))
	assert.Equal(t, "1714521600", q.Get("since"))
	assert.Equal(t, "1715126400", q.Get("until"))

	reach := res.Metric(instagram.MetricReach)
	require.NotNil(t, reach)
	assert.Nil(t, res.Metric(instagram.MetricViews), "no data means absent, not zero")
	assert.Equal(t, instagram.PeriodDay, reach.Period)
	assert.Equal(t, "Accounts reached", reach.Title)
	assert.Equal(t, 224.0, reach.Total())
	bd := reach.TotalValue.Breakdown(instagram.BreakdownMediaProductType)
	require.NotNil(t, bd)
	v, ok := bd.Value("POST")
	assert.True(t, ok)
	assert.Equal(t, 124.0, v)
	_, ok = bd.Value("REELS")
	assert.False(t, ok)
	assert.Nil(t, reach.TotalValue.Breakdown(instagram.BreakdownAge))
	assert.Equal(t, "n", res.Paging.Next)
}

func TestAccountInsightsTimeSeriesAndMapValues(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("GET", testBase+"/v25.0/1784/insights", jsonResponder(200,
		`{"data":[{"name":"reach","period":"day","values":[{"value":10,"end_time":"2024-05-01T07:00:00+0000"},{"value":"12","end_time":"2024-05-02T07:00:00+0000"}],"id":"1784/insights/reach/day"},
		{"name":"online_followers","period":"lifetime","values":[{"value":{"0":3,"1":4.5},"end_time":"2024-05-02T07:00:00+0000"}],"id":"1784/insights/online_followers/lifetime"}]}`))
	res, err := c.Insights.Account(rctx, "1784", &instagram.AccountInsightsOptions{
		Metrics: []instagram.Metric{instagram.MetricReach, instagram.MetricOnlineFollowers}, MetricType: instagram.MetricTypeTimeSeries,
	})
	require.NoError(t, err)
	reach := res.Metric(instagram.MetricReach)
	require.Len(t, reach.Values, 2)
	assert.Equal(t, int64(12), reach.Values[1].Int())
	assert.Equal(t, 2, reach.Values[1].EndTime.Day())
	assert.Equal(t, 22.0, reach.Total())
	of := res.Metric(instagram.MetricOnlineFollowers)
	require.Len(t, of.Values, 1)
	assert.Equal(t, map[string]float64{"0": 3, "1": 4.5}, of.Values[0].Map)

	b, err := json.Marshal(of.Values[0])
	require.NoError(t, err)
	var back instagram.InsightValue
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, of.Values[0].Map, back.Map)
	assert.True(t, of.Values[0].EndTime.Equal(back.EndTime.Time))
}

func TestAccountInsightsDemographicsDefaults(t *testing.T) {
	c, mt := newMockClient(t)
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/1784/insights", recordTo(&got, 200,
		`{"data":[{"name":"follower_demographics","period":"lifetime","total_value":{"breakdowns":[{"dimension_keys":["age","gender"],"results":[{"dimension_values":["18-24","F"],"value":40}]}]}}]}`))
	res, err := c.Insights.Account(rctx, "1784", &instagram.AccountInsightsOptions{
		Metrics:    []instagram.Metric{instagram.MetricFollowerDemographics},
		Breakdowns: []instagram.Breakdown{instagram.BreakdownAge, instagram.BreakdownGender},
		Timeframe:  instagram.TimeframeThisMonth,
	})
	require.NoError(t, err)
	q := got[0].Query
	assert.Equal(t, "lifetime", q.Get("period"))
	assert.Equal(t, "total_value", q.Get("metric_type"))
	assert.Equal(t, "this_month", q.Get("timeframe"))
	assert.Equal(t, "age,gender", q.Get("breakdown"))
	v, ok := res.Metric(instagram.MetricFollowerDemographics).TotalValue.Breakdown("age", "gender").Value("18-24", "F")
	assert.True(t, ok)
	assert.Equal(t, 40.0, v)
}

func TestInsightsValidationBeforeAnyCall(t *testing.T) {
	c, mt := newMockClient(t)
	for _, opts := range []*instagram.AccountInsightsOptions{
		nil,
		{},
		{Metrics: []instagram.Metric{instagram.MetricImpressions}},
		{Metrics: []instagram.Metric{instagram.MetricProfileViews}},
		{Metrics: []instagram.Metric{instagram.MetricWebsiteClicks}},
		{Metrics: []instagram.Metric{instagram.MetricEmailContacts}},
		{Metrics: []instagram.Metric{instagram.MetricGetDirectionsClicks}},
		{Metrics: []instagram.Metric{instagram.MetricTextMessageClicks}},
		{Metrics: []instagram.Metric{instagram.MetricEngagedAudienceDemographics}, Breakdowns: []instagram.Breakdown{instagram.BreakdownAge}, Timeframe: instagram.TimeframeLast30Days},
		{Metrics: []instagram.Metric{instagram.MetricReachedAudienceDemographics}, Breakdowns: []instagram.Breakdown{instagram.BreakdownAge}, Timeframe: instagram.TimeframePrevMonth},
		{Metrics: []instagram.Metric{instagram.MetricFollowerDemographics}},
		{Metrics: []instagram.Metric{instagram.MetricReach}, Breakdowns: []instagram.Breakdown{instagram.BreakdownFollowType}},
		{Metrics: []instagram.Metric{"reach,views"}},
		{Metrics: []instagram.Metric{instagram.MetricReach}, Since: instagram.Time{Time: time.Unix(2000, 0)}, Until: instagram.Time{Time: time.Unix(1000, 0)}},
	} {
		_, err := c.Insights.Account(rctx, "1784", opts)
		assert.ErrorIs(t, err, instagram.ErrValidation, "%+v", opts)
	}
	for _, m := range []instagram.Metric{instagram.MetricPlays, instagram.MetricVideoViews, instagram.MetricClipsReplaysCount, instagram.MetricReelsAggregatedAllPlaysCount} {
		_, err := c.Insights.Media(rctx, "1790", &instagram.MediaInsightsOptions{Metrics: []instagram.Metric{m}})
		var ve *instagram.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Contains(t, ve.Rule, "views")
		r, removed := m.Removed()
		assert.True(t, removed)
		assert.Equal(t, instagram.MetricViews, r)
	}
	_, removed := instagram.MetricReach.Removed()
	assert.False(t, removed)
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestMediaInsights(t *testing.T) {
	c, mt := newMockClient(t)
	var got []wireCall
	mt.RegisterResponder("GET", testBase+"/v25.0/18035507131611621/insights", recordTo(&got, 200,
		`{"data":[{"name":"profile_activity","period":"lifetime","values":[{"value":11}],"title":"Profile activity","total_value":{"value":11,"breakdowns":[{"dimension_keys":["action_type"],"results":[{"dimension_values":["bio_link_clicked"],"value":11}]}]},"id":"18035507131611621/insights/profile_activity/lifetime"}]}`))
	res, err := c.Insights.Media(rctx, "18035507131611621", &instagram.MediaInsightsOptions{
		Metrics:    []instagram.Metric{instagram.MetricProfileActivity},
		Breakdowns: []instagram.Breakdown{instagram.BreakdownActionType},
	})
	require.NoError(t, err)
	assert.Equal(t, "profile_activity", got[0].Query.Get("metric"))
	assert.Equal(t, "action_type", got[0].Query.Get("breakdown"))
	assert.Empty(t, got[0].Query.Get("period"))
	pa := res.Metric(instagram.MetricProfileActivity)
	require.NotNil(t, pa)
	assert.Equal(t, 11.0, pa.Values[0].Value)
	v, ok := pa.TotalValue.Breakdown(instagram.BreakdownActionType).Value("bio_link_clicked")
	assert.True(t, ok)
	assert.Equal(t, 11.0, v)

	mt.RegisterResponder("GET", testBase+"/v25.0/1791/insights", jsonResponder(400,
		`{"error":{"message":"(#10) Not enough viewers for the media to show insights","type":"OAuthException","code":10}}`))
	_, err = c.Insights.Media(rctx, "1791", &instagram.MediaInsightsOptions{Metrics: []instagram.Metric{instagram.MetricReach}})
	assert.ErrorIs(t, err, instagram.ErrPermission)
}
