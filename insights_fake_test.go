package instagram_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// insightsFake runs the fake on a fixed clock so day boundaries are known.
func insightsFake(t *testing.T) (*instagramtest.Server, *instagram.Client, *instagram.Client, time.Time) {
	t.Helper()
	now := time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)
	srv, ig, fb := contentFake(t, instagramtest.WithClock(func() time.Time { return now }))
	return srv, ig, fb, now
}

func TestFakeAccountInsightsTotalsFromSeed(t *testing.T) {
	srv, ig, fb, now := insightsFake(t)
	acct := srv.Account()
	today := now.Truncate(24 * time.Hour)
	for _, c := range []*instagram.Client{ig, fb} {
		// Seven days: the days ending at today's midnight and the six before.
		res, err := c.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{
			Metrics:    []instagram.Metric{instagram.MetricLikes, instagram.MetricViews, instagram.MetricReposts},
			MetricType: instagram.MetricTypeTotalValue,
			Since:      instagram.Time{Time: today.Add(-7 * 24 * time.Hour)}, Until: instagram.Time{Time: now},
		})
		require.NoError(t, err)
		for _, m := range []instagram.Metric{instagram.MetricLikes, instagram.MetricViews} {
			want := 0
			for _, v := range acct.Insights.Daily[string(m)][:7] {
				want += v
			}
			in := res.Metric(m)
			require.NotNil(t, in, m)
			assert.Equal(t, float64(want), in.Total(), m)
			assert.Equal(t, instagram.PeriodDay, in.Period)
			assert.Equal(t, acct.ID+"/insights/"+string(m)+"/day", in.ID)
		}
		assert.Nil(t, res.Metric(instagram.MetricReposts), "no data is an absent metric")
		assert.NotEmpty(t, res.Paging.Next)
	}

	// Without a range: the last 24 hours, one day.
	res, err := ig.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{
		Metrics: []instagram.Metric{instagram.MetricAccountsEngaged}, MetricType: instagram.MetricTypeTotalValue,
	})
	require.NoError(t, err)
	assert.Equal(t, float64(acct.Insights.Daily["accounts_engaged"][0]), res.Metric(instagram.MetricAccountsEngaged).Total())
}

func TestFakeAccountInsightsBreakdownsAddUp(t *testing.T) {
	srv, ig, _, now := insightsFake(t)
	acct := srv.Account()
	for _, tc := range []struct {
		m instagram.Metric
		b instagram.Breakdown
	}{
		{instagram.MetricReach, instagram.BreakdownMediaProductType},
		{instagram.MetricReach, instagram.BreakdownFollowType},
		{instagram.MetricViews, instagram.BreakdownFollowerType},
		{instagram.MetricProfileLinksTaps, instagram.BreakdownContactButtonType},
		{instagram.MetricFollowsAndUnfollows, instagram.BreakdownFollowType},
	} {
		res, err := ig.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{
			Metrics: []instagram.Metric{tc.m}, MetricType: instagram.MetricTypeTotalValue,
			Breakdowns: []instagram.Breakdown{tc.b},
			Since:      instagram.Time{Time: now.Add(-30 * 24 * time.Hour)}, Until: instagram.Time{Time: now},
		})
		require.NoError(t, err, tc)
		in := res.Metric(tc.m)
		require.NotNil(t, in)
		bd := in.TotalValue.Breakdown(tc.b)
		require.NotNil(t, bd, tc)
		sum := 0.0
		for _, r := range bd.Results {
			require.Len(t, r.DimensionValues, 1)
			sum += r.Value
		}
		assert.Equal(t, in.Total(), sum, tc)
	}
	_, err := ig.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{
		Metrics: []instagram.Metric{instagram.MetricLikes}, MetricType: instagram.MetricTypeTotalValue,
		Breakdowns: []instagram.Breakdown{instagram.BreakdownFollowType},
	})
	assert.ErrorIs(t, err, instagram.ErrValidation, "unsupported breakdown")
}

func TestFakeAccountInsightsTimeSeries(t *testing.T) {
	srv, _, fb, now := insightsFake(t)
	acct := srv.Account()
	today := now.Truncate(24 * time.Hour)
	res, err := fb.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{
		Metrics: []instagram.Metric{instagram.MetricReach, instagram.MetricFollowerCount},
		Since:   instagram.Time{Time: today.Add(-3 * 24 * time.Hour)}, Until: instagram.Time{Time: today},
	})
	require.NoError(t, err)
	for _, m := range []instagram.Metric{instagram.MetricReach, instagram.MetricFollowerCount} {
		in := res.Metric(m)
		require.NotNil(t, in)
		require.Len(t, in.Values, 3)
		daily := acct.Insights.Daily[string(m)]
		for i, v := range in.Values {
			assert.Equal(t, int64(daily[2-i]), v.Int(), "oldest first")
			assert.True(t, v.EndTime.Equal(today.Add(-time.Duration(2-i)*24*time.Hour)))
		}
	}

	res, err = fb.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{
		Metrics: []instagram.Metric{instagram.MetricOnlineFollowers}, // lifetime by default
	})
	require.NoError(t, err)
	of := res.Metric(instagram.MetricOnlineFollowers)
	require.NotNil(t, of)
	require.Len(t, of.Values, 1)
	assert.Len(t, of.Values[0].Map, 24)
	assert.Greater(t, of.Values[0].Map["20"], of.Values[0].Map["3"], "evenings are busier")

	_, err = fb.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{Metrics: []instagram.Metric{instagram.MetricLikes}, MetricType: instagram.MetricTypeTimeSeries})
	var apiErr *instagram.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "metric_type=total_value")
	_, err = fb.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{
		Metrics: []instagram.Metric{instagram.MetricReach},
		Since:   instagram.Time{Time: now.Add(-40 * 24 * time.Hour)}, Until: instagram.Time{Time: now},
	})
	assert.ErrorIs(t, err, instagram.ErrValidation, "more than 30 days")
	_, err = fb.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{Metrics: []instagram.Metric{"clicks"}})
	assert.ErrorIs(t, err, instagram.ErrValidation, "not a metric")
}

func TestFakeAccountDemographics(t *testing.T) {
	srv, ig, _, _ := insightsFake(t)
	acct := srv.Account()
	res, err := ig.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{
		Metrics:    []instagram.Metric{instagram.MetricFollowerDemographics},
		Breakdowns: []instagram.Breakdown{instagram.BreakdownAge},
		Timeframe:  instagram.TimeframeThisMonth,
	})
	require.NoError(t, err)
	bd := res.Metric(instagram.MetricFollowerDemographics).TotalValue.Breakdown(instagram.BreakdownAge)
	require.NotNil(t, bd)
	for age, n := range acct.Insights.Demographics["age"] {
		v, ok := bd.Value(age)
		if n == 0 {
			continue
		}
		assert.True(t, ok, age)
		assert.Equal(t, float64(n), v, age)
	}

	res, err = ig.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{
		Metrics:    []instagram.Metric{instagram.MetricEngagedAudienceDemographics},
		Breakdowns: []instagram.Breakdown{instagram.BreakdownAge, instagram.BreakdownGender},
		Timeframe:  instagram.TimeframeThisWeek,
	})
	require.NoError(t, err)
	two := res.Metric(instagram.MetricEngagedAudienceDemographics).TotalValue.Breakdown("age", "gender")
	require.NotNil(t, two)
	require.NotEmpty(t, two.Results)
	assert.Len(t, two.Results[0].DimensionValues, 2)
	assert.LessOrEqual(t, len(two.Results), 45, "top 45 only")
}

func TestFakeMediaInsights(t *testing.T) {
	srv, ig, fb, _ := insightsFake(t)
	feed := firstMedia(t, srv, "IMAGE", "FEED")
	reel := firstMedia(t, srv, "VIDEO", "REELS")
	story := srv.Stories()[0]

	res, err := ig.Insights.Media(rctx, feed.ID, &instagram.MediaInsightsOptions{
		Metrics: []instagram.Metric{instagram.MetricReach, instagram.MetricLikes, instagram.MetricSaved, instagram.MetricViews},
	})
	require.NoError(t, err)
	for _, m := range []string{"reach", "likes", "saved", "views"} {
		in := res.Metric(instagram.Metric(m))
		require.NotNil(t, in, m)
		assert.Equal(t, instagram.PeriodLifetime, in.Period)
		assert.Equal(t, float64(feed.Insights[m]), in.Values[0].Value, m)
	}

	res, err = fb.Insights.Media(rctx, reel.ID, &instagram.MediaInsightsOptions{Metrics: []instagram.Metric{instagram.MetricReelsAvgWatchTime}})
	require.NoError(t, err)
	assert.Equal(t, float64(reel.Insights["ig_reels_avg_watch_time"]), res.Metric(instagram.MetricReelsAvgWatchTime).Total())

	res, err = fb.Insights.Media(rctx, story.ID, &instagram.MediaInsightsOptions{
		Metrics: []instagram.Metric{instagram.MetricNavigation}, Breakdowns: []instagram.Breakdown{instagram.BreakdownStoryNavigationActionType},
	})
	require.NoError(t, err)
	nav := res.Metric(instagram.MetricNavigation)
	bd := nav.TotalValue.Breakdown(instagram.BreakdownStoryNavigationActionType)
	require.NotNil(t, bd)
	sum := 0.0
	for _, r := range bd.Results {
		sum += r.Value
	}
	assert.Equal(t, float64(story.Insights["navigation"]), sum)

	_, err = fb.Insights.Media(rctx, feed.ID, &instagram.MediaInsightsOptions{Metrics: []instagram.Metric{instagram.MetricNavigation}})
	assert.ErrorIs(t, err, instagram.ErrValidation, "a story metric on a feed post")
	album := firstMedia(t, srv, "CAROUSEL_ALBUM", "FEED")
	_, err = fb.Insights.Media(rctx, album.Children[0], &instagram.MediaInsightsOptions{Metrics: []instagram.Metric{instagram.MetricReach}})
	assert.ErrorIs(t, err, instagram.ErrValidation, "album items have no insights")
	_, err = fb.Insights.Media(rctx, srv.Network().TaggedMedia[0], &instagram.MediaInsightsOptions{Metrics: []instagram.Metric{instagram.MetricReach}})
	assert.ErrorIs(t, err, instagram.ErrNotFound, "another account's media")
}

func TestFakeRemovedMetricAnswer(t *testing.T) {
	// The SDK refuses removed metrics; the server refuses them too, for
	// clients that send them anyway.
	srv, _, _, _ := insightsFake(t)
	c, err := srv.Client()
	require.NoError(t, err)
	var page struct {
		Data []any `json:"data"`
	}
	req, err := c.NewRequest(rctx, "GET", srv.Account().ID+"/insights", url.Values{"metric": {"impressions"}, "period": {"day"}}, nil)
	require.NoError(t, err)
	_, err = c.Do(req, &page)
	var apiErr *instagram.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "v22.0")
}

func TestFakeRemovedV21MetricsAndRetiredTimeframes(t *testing.T) {
	srv, ig, fb, _ := insightsFake(t)
	acct := srv.Account()
	raw, err := srv.Client()
	require.NoError(t, err)
	for _, m := range []instagram.Metric{instagram.MetricProfileViews, instagram.MetricWebsiteClicks, instagram.MetricPhoneCallClicks} {
		for _, c := range []*instagram.Client{ig, fb} {
			_, err := c.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{Metrics: []instagram.Metric{m}})
			require.ErrorIs(t, err, instagram.ErrValidation, m)
			assert.Contains(t, err.Error(), "v21.0")
		}
		// Sent anyway, the server answers Meta's refusal.
		req, err := raw.NewRequest(rctx, "GET", acct.ID+"/insights", url.Values{"metric": {string(m)}, "period": {"day"}, "metric_type": {"total_value"}}, nil)
		require.NoError(t, err)
		var apiErr *instagram.Error
		require.ErrorAs(t, func() error { _, err := raw.Do(req, nil); return err }(), &apiErr)
		assert.Equal(t, 100, apiErr.Code)
		assert.Contains(t, apiErr.Message, "v21.0")
	}

	for _, tf := range []instagram.Timeframe{instagram.TimeframeLast14Days, instagram.TimeframeLast30Days, instagram.TimeframeLast90Days, instagram.TimeframePrevMonth} {
		for _, m := range []instagram.Metric{instagram.MetricEngagedAudienceDemographics, instagram.MetricReachedAudienceDemographics} {
			_, err := ig.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{
				Metrics: []instagram.Metric{m}, Breakdowns: []instagram.Breakdown{instagram.BreakdownAge}, Timeframe: tf,
			})
			require.ErrorIs(t, err, instagram.ErrValidation, "%s %s", m, tf)
			req, err := raw.NewRequest(rctx, "GET", acct.ID+"/insights", url.Values{"metric": {string(m)}, "period": {"lifetime"},
				"metric_type": {"total_value"}, "breakdown": {"age"}, "timeframe": {string(tf)}}, nil)
			require.NoError(t, err)
			var apiErr *instagram.Error
			require.ErrorAs(t, func() error { _, err := raw.Do(req, nil); return err }(), &apiErr, "%s %s", m, tf)
			assert.Contains(t, apiErr.Message, "timeframe")
		}
	}
	for _, tf := range []instagram.Timeframe{instagram.TimeframeThisWeek, instagram.TimeframeThisMonth} {
		res, err := fb.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{
			Metrics: []instagram.Metric{instagram.MetricReachedAudienceDemographics}, Breakdowns: []instagram.Breakdown{instagram.BreakdownCountry}, Timeframe: tf,
		})
		require.NoError(t, err, tf)
		require.NotNil(t, res.Metric(instagram.MetricReachedAudienceDemographics))
	}
}

func TestFakeInsightsTotalValueSentWhereRequired(t *testing.T) {
	// views, likes and accounts_engaged are total-value only: Meta refuses
	// them without metric_type=total_value, so the SDK sends it unasked, on
	// both hosts.
	srv, ig, fb, _ := insightsFake(t)
	acct := srv.Account()
	for _, c := range []*instagram.Client{ig, fb} {
		res, err := c.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{
			Metrics: []instagram.Metric{instagram.MetricViews, instagram.MetricLikes, instagram.MetricReach},
		})
		require.NoError(t, err)
		require.NotNil(t, res.Metric(instagram.MetricViews))
		assert.NotNil(t, res.Metric(instagram.MetricViews).TotalValue)
		// A series-only metric keeps the time series.
		res, err = c.Insights.Account(rctx, acct.ID, &instagram.AccountInsightsOptions{Metrics: []instagram.Metric{instagram.MetricFollowerCount}})
		require.NoError(t, err)
		require.NotNil(t, res.Metric(instagram.MetricFollowerCount))
		assert.NotEmpty(t, res.Metric(instagram.MetricFollowerCount).Values)
	}
	// The server refuses what Meta refuses.
	raw, err := srv.Client()
	require.NoError(t, err)
	req, err := raw.NewRequest(rctx, "GET", acct.ID+"/insights", url.Values{"metric": {"views"}, "period": {"day"}}, nil)
	require.NoError(t, err)
	_, err = raw.Do(req, nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)

	// Story views as a total.
	story := srv.Stories()[0]
	res, err := ig.Insights.Media(rctx, story.ID, &instagram.MediaInsightsOptions{
		Metrics: []instagram.Metric{instagram.MetricViews}, MetricType: instagram.MetricTypeTotalValue,
	})
	require.NoError(t, err)
	require.NotNil(t, res.Metric(instagram.MetricViews).TotalValue)
	assert.Equal(t, float64(story.Insights["views"]), res.Metric(instagram.MetricViews).TotalValue.Value)
	_, err = ig.Insights.Media(rctx, story.ID, &instagram.MediaInsightsOptions{
		Metrics: []instagram.Metric{instagram.MetricViews}, MetricType: instagram.MetricTypeTimeSeries,
	})
	assert.ErrorIs(t, err, instagram.ErrValidation)
}
