package instagram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// InsightsService reads metrics of accounts and media.
type InsightsService service

// Metric names an insights metric. The constants are the names of Meta's
// v25.0 metric tables and spec enums; Metric is a string, so a metric added
// by Meta later can be asked for as Metric("name").
type Metric string

// Account metrics (GET /{ig-user-id}/insights). Most take
// MetricTypeTotalValue; reach, follower_count and online_followers also
// come as time series.
const (
	MetricAccountsEngaged             Metric = "accounts_engaged"
	MetricComments                    Metric = "comments"
	MetricContentViews                Metric = "content_views"
	MetricEngagedAudienceDemographics Metric = "engaged_audience_demographics"
	MetricFollowerCount               Metric = "follower_count"
	MetricFollowerDemographics        Metric = "follower_demographics"
	MetricFollowsAndUnfollows         Metric = "follows_and_unfollows"
	MetricLikes                       Metric = "likes"
	MetricOnlineFollowers             Metric = "online_followers"
	MetricProfileLinksTaps            Metric = "profile_links_taps"
	MetricReach                       Metric = "reach"
	MetricReachedAudienceDemographics Metric = "reached_audience_demographics"
	MetricReplies                     Metric = "replies"
	MetricReposts                     Metric = "reposts"
	MetricSaves                       Metric = "saves"
	MetricShares                      Metric = "shares"
	MetricTotalInteractions           Metric = "total_interactions"
	MetricViews                       Metric = "views"
)

// Media metrics (GET /{ig-media-id}/insights). MetricComments, MetricLikes,
// MetricReach, MetricReplies, MetricReposts, MetricShares,
// MetricTotalInteractions and MetricViews apply to media too.
const (
	MetricCrosspostedViews        Metric = "crossposted_views"
	MetricFacebookViews           Metric = "facebook_views"
	MetricFollows                 Metric = "follows"
	MetricReelsAvgWatchTime       Metric = "ig_reels_avg_watch_time"        // milliseconds
	MetricReelsVideoViewTotalTime Metric = "ig_reels_video_view_total_time" // milliseconds
	MetricNavigation              Metric = "navigation"                     // stories
	MetricProfileActivity         Metric = "profile_activity"
	MetricProfileVisits           Metric = "profile_visits"
	MetricReelsSkipRate           Metric = "reels_skip_rate"
	MetricSaved                   Metric = "saved"
	MetricTotalComments           Metric = "total_comments" // with ads; Facebook Login only
	MetricTotalLikes              Metric = "total_likes"    // with ads; Facebook Login only
	MetricTotalViews              Metric = "total_views"    // with ads; Facebook Login only
)

// Account metrics Meta removed in v21.0 and, since 2025-01-08, for every
// version (Instagram Platform changelog, v21.0). Asking for one fails with
// a *ValidationError before any call, on every API version.
const (
	// Deprecated: removed in v21.0 (all versions since 2025-01-08); use
	// MetricProfileLinksTaps or MetricProfileVisits.
	MetricProfileViews Metric = "profile_views"
	// Deprecated: removed in v21.0 (all versions since 2025-01-08); use
	// MetricProfileLinksTaps.
	MetricWebsiteClicks Metric = "website_clicks"
	// Deprecated: removed in v21.0 (all versions since 2025-01-08); use
	// MetricProfileLinksTaps.
	MetricEmailContacts Metric = "email_contacts"
	// Deprecated: removed in v21.0 (all versions since 2025-01-08); use
	// MetricProfileLinksTaps.
	MetricGetDirectionsClicks Metric = "get_directions_clicks"
	// Deprecated: removed in v21.0 (all versions since 2025-01-08); use
	// MetricProfileLinksTaps.
	MetricPhoneCallClicks Metric = "phone_call_clicks"
	// Deprecated: removed in v21.0 (all versions since 2025-01-08); use
	// MetricProfileLinksTaps.
	MetricTextMessageClicks Metric = "text_message_clicks"
)

// Metrics Meta removed in v22.0 and, since 2025-04-21, for every version.
// Asking for one fails with a *ValidationError before any call, on every
// API version.
const (
	// Deprecated: removed in v22.0; use MetricViews.
	MetricImpressions Metric = "impressions"
	// Deprecated: removed in v22.0; use MetricViews.
	MetricPlays Metric = "plays"
	// Deprecated: removed in v22.0; use MetricViews.
	MetricClipsReplaysCount Metric = "clips_replays_count"
	// Deprecated: removed in v22.0; use MetricViews.
	MetricReelsAggregatedAllPlaysCount Metric = "ig_reels_aggregated_all_plays_count"
	// Deprecated: removed in v22.0; use MetricViews.
	MetricVideoViews Metric = "video_views"
)

// replacementOf is the metric to use instead of a removed metric m, and
// whether m is removed.
func replacementOf(m Metric) (Metric, bool) {
	switch m {
	case MetricProfileViews, MetricWebsiteClicks, MetricEmailContacts,
		MetricGetDirectionsClicks, MetricPhoneCallClicks, MetricTextMessageClicks:
		return MetricProfileLinksTaps, true
	case MetricImpressions, MetricPlays, MetricClipsReplaysCount,
		MetricReelsAggregatedAllPlaysCount, MetricVideoViews:
		return MetricViews, true
	}
	return "", false
}

// removedIn is the Graph API version that removed each removed metric.
func removedIn(m Metric) string {
	if r, _ := replacementOf(m); r == MetricProfileLinksTaps {
		return "v21.0"
	}
	return "v22.0"
}

// Removed reports whether Meta no longer serves m, and the metric to use
// instead.
func (m Metric) Removed() (replacement Metric, removed bool) {
	return replacementOf(m)
}

// Period is the aggregation period of a metric.
type Period string

// Periods.
const (
	PeriodDay            Period = "day"
	PeriodWeek           Period = "week"
	PeriodDays28         Period = "days_28"
	PeriodMonth          Period = "month"
	PeriodLifetime       Period = "lifetime"
	PeriodTotalOverRange Period = "total_over_range"
)

// MetricType chooses between a total over the range and a time series.
type MetricType string

// Metric types.
const (
	// MetricTypeTotalValue answers one total per metric (Insight.TotalValue),
	// optionally broken down.
	MetricTypeTotalValue MetricType = "total_value"
	// MetricTypeTimeSeries answers one value per period (Insight.Values).
	MetricTypeTimeSeries MetricType = "time_series"
	// MetricTypeDefault lets Meta choose.
	MetricTypeDefault MetricType = "default"
)

// Breakdown splits a total value by a dimension.
type Breakdown string

// Breakdowns of account metrics.
const (
	BreakdownAge               Breakdown = "age"
	BreakdownCity              Breakdown = "city"
	BreakdownContactButtonType Breakdown = "contact_button_type"
	BreakdownCountry           Breakdown = "country"
	BreakdownFollowType        Breakdown = "follow_type"
	BreakdownFollowerType      Breakdown = "follower_type"
	BreakdownGender            Breakdown = "gender"
	BreakdownMediaProductType  Breakdown = "media_product_type"
)

// Breakdowns of media metrics.
const (
	BreakdownActionType                Breakdown = "action_type"
	BreakdownStoryNavigationActionType Breakdown = "story_navigation_action_type"
	BreakdownSurfaceType               Breakdown = "surface_type"
)

// Timeframe is the window of demographic metrics.
type Timeframe string

// Timeframes served today.
const (
	TimeframeThisMonth Timeframe = "this_month"
	TimeframeThisWeek  Timeframe = "this_week"
)

// Timeframes Meta retired for MetricEngagedAudienceDemographics and
// MetricReachedAudienceDemographics on every version since 2024-08-19
// (Instagram Platform changelog, 2024-05-21). Pairing one with either
// metric fails with a *ValidationError before any call.
const (
	// Deprecated: retired 2024-08-19; use TimeframeThisMonth or TimeframeThisWeek.
	TimeframeLast14Days Timeframe = "last_14_days"
	// Deprecated: retired 2024-08-19; use TimeframeThisMonth or TimeframeThisWeek.
	TimeframeLast30Days Timeframe = "last_30_days"
	// Deprecated: retired 2024-08-19; use TimeframeThisMonth or TimeframeThisWeek.
	TimeframeLast90Days Timeframe = "last_90_days"
	// Deprecated: retired 2024-08-19; use TimeframeThisMonth.
	TimeframePrevMonth Timeframe = "prev_month"
)

// retiredTimeframe reports whether the audience demographic metrics no
// longer take t.
func retiredTimeframe(t Timeframe) bool {
	switch t {
	case TimeframeLast14Days, TimeframeLast30Days, TimeframeLast90Days, TimeframePrevMonth:
		return true
	}
	return false
}

// audienceMetric reports whether m is a demographic metric that takes only
// this_week and this_month.
func audienceMetric(m Metric) bool {
	return m == MetricEngagedAudienceDemographics || m == MetricReachedAudienceDemographics
}

// seriesOnlyMetric reports whether Meta serves the account metric m only
// as a time series; every other account metric except reach is
// total-value only.
func seriesOnlyMetric(m Metric) bool {
	return m == MetricFollowerCount || m == MetricOnlineFollowers
}

// demographicMetric reports whether m needs period=lifetime and a
// timeframe.
func demographicMetric(m Metric) bool {
	return m == MetricFollowerDemographics || audienceMetric(m)
}

// AccountInsightsOptions chooses the account metrics to read.
type AccountInsightsOptions struct {
	// Metrics to read; at least one.
	Metrics []Metric `url:"metric,comma"`
	// Period of aggregation; PeriodDay when empty, PeriodLifetime for
	// demographic metrics.
	Period Period `url:"period,omitempty"`
	// MetricType asks for totals or a time series. When empty the SDK sends
	// MetricTypeTotalValue if no metric is series-only (follower_count,
	// online_followers), since Meta refuses total-value-only metrics such
	// as views, accounts_engaged or likes without it.
	MetricType MetricType `url:"metric_type,omitempty"`
	// Breakdowns split total values (with MetricTypeTotalValue).
	Breakdowns []Breakdown `url:"breakdown,comma,omitempty"`
	// Timeframe is required by the demographic metrics.
	Timeframe Timeframe `url:"timeframe,omitempty"`
	// Since and Until bound the range (at most 30 days); without them
	// Meta answers the last 24 hours.
	Since Time `url:"since,omitempty"`
	Until Time `url:"until,omitempty"`
}

// MediaInsightsOptions chooses the media metrics to read.
type MediaInsightsOptions struct {
	// Metrics to read; at least one. Which apply depends on the media's
	// product type (feed, reel, story).
	Metrics []Metric `url:"metric,comma"`
	// Period of aggregation; Meta's default (lifetime) when empty.
	Period Period `url:"period,omitempty"`
	// MetricType asks for a total (Insight.TotalValue). Public clients
	// send MetricTypeTotalValue to read a story's views; it is sent only
	// when set, and always with Breakdowns.
	MetricType MetricType `url:"metric_type,omitempty"`
	// Breakdowns split total values, such as BreakdownActionType for
	// MetricProfileActivity or BreakdownStoryNavigationActionType for
	// MetricNavigation.
	Breakdowns []Breakdown `url:"breakdown,comma,omitempty"`
}

// InsightsResult is the answer of an insights call: one Insight per
// metric, and links to the adjacent time ranges.
type InsightsResult struct {
	Data   []Insight `json:"data"`
	Paging Paging    `json:"paging"`
}

// Metric returns the insight of one metric, nil when absent (Meta answers
// nothing rather than zero when it has no data).
func (r *InsightsResult) Metric(m Metric) *Insight {
	if r == nil {
		return nil
	}
	for i := range r.Data {
		if r.Data[i].Name == m {
			return &r.Data[i]
		}
	}
	return nil
}

// Insight is the value of one metric (Meta's InstagramInsightsResult and
// InsightsResult).
type Insight struct {
	// ID is Meta's id of the result, "{object-id}/insights/{metric}/{period}".
	ID          string `json:"id,omitempty"`
	Name        Metric `json:"name"`
	Period      Period `json:"period,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	// Values is the time series, or the single lifetime value of a media
	// metric.
	Values []InsightValue `json:"values,omitempty"`
	// TotalValue is the total over the range, with breakdowns when asked.
	TotalValue *TotalValue `json:"total_value,omitempty"`
}

// Total returns the metric's total: TotalValue's value when present, else
// the sum of the numeric values of the series.
func (in *Insight) Total() float64 {
	if in == nil {
		return 0
	}
	if in.TotalValue != nil {
		return in.TotalValue.Value
	}
	var sum float64
	for _, v := range in.Values {
		sum += v.Value
	}
	return sum
}

// InsightValue is one point of a series (Meta's InstagramInsightsValue).
// Most metrics have a number; a few (online_followers, legacy demographic
// metrics) have an object of numbers, found in Map.
type InsightValue struct {
	// Value is the number, 0 when the value is an object.
	Value float64
	// Map holds the value when it is an object, such as hour -> followers.
	Map map[string]float64
	// EndTime is the end of the period; absent for lifetime values.
	EndTime Time
}

// Int returns Value rounded to an integer.
func (v InsightValue) Int() int64 { return int64(math.Round(v.Value)) }

// UnmarshalJSON decodes {"value": number|object, "end_time": ...}.
func (v *InsightValue) UnmarshalJSON(b []byte) error {
	var raw struct {
		Value   json.RawMessage `json:"value"`
		EndTime Time            `json:"end_time"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*v = InsightValue{EndTime: raw.EndTime}
	val := bytes.TrimSpace(raw.Value)
	switch {
	case len(val) == 0 || string(val) == "null":
	case val[0] == '{':
		var m map[string]flexNumber
		if err := json.Unmarshal(val, &m); err != nil {
			return fmt.Errorf("instagram: insight value: %w", err)
		}
		v.Map = make(map[string]float64, len(m))
		for k, n := range m {
			v.Map[k] = float64(n)
		}
	default:
		var n flexNumber
		if err := json.Unmarshal(val, &n); err != nil {
			return fmt.Errorf("instagram: insight value: %w", err)
		}
		v.Value = float64(n)
	}
	return nil
}

// MarshalJSON encodes the value in Meta's shape.
func (v InsightValue) MarshalJSON() ([]byte, error) {
	out := map[string]any{"value": v.Value}
	if v.Map != nil {
		out["value"] = v.Map
	}
	if !v.EndTime.IsZero() {
		out["end_time"] = v.EndTime
	}
	return json.Marshal(out)
}

// flexNumber is a number sent as a JSON number or a numeric string.
type flexNumber float64

func (n *flexNumber) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("not a number: %s", b)
	}
	*n = flexNumber(f)
	return nil
}

// TotalValue is a metric's total over the range, with its breakdowns.
type TotalValue struct {
	Value      float64
	Breakdowns []InsightBreakdown
}

// UnmarshalJSON decodes {"value": n, "breakdowns": [...]}.
func (t *TotalValue) UnmarshalJSON(b []byte) error {
	var raw struct {
		Value      flexNumber         `json:"value"`
		Breakdowns []InsightBreakdown `json:"breakdowns"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*t = TotalValue{Value: float64(raw.Value), Breakdowns: raw.Breakdowns}
	return nil
}

// MarshalJSON encodes the total in Meta's shape.
func (t TotalValue) MarshalJSON() ([]byte, error) {
	type wire struct {
		Value      float64            `json:"value"`
		Breakdowns []InsightBreakdown `json:"breakdowns,omitempty"`
	}
	return json.Marshal(wire(t))
}

// Breakdown returns the breakdown over exactly the given dimension keys,
// nil when absent.
func (t *TotalValue) Breakdown(keys ...Breakdown) *InsightBreakdown {
	if t == nil {
		return nil
	}
	for i := range t.Breakdowns {
		bd := &t.Breakdowns[i]
		if len(bd.DimensionKeys) != len(keys) {
			continue
		}
		same := true
		for j, k := range keys {
			if bd.DimensionKeys[j] != string(k) {
				same = false
				break
			}
		}
		if same {
			return bd
		}
	}
	return nil
}

// InsightBreakdown is a total split over one or more dimensions.
type InsightBreakdown struct {
	// DimensionKeys names the dimensions, such as ["media_product_type"].
	DimensionKeys []string `json:"dimension_keys"`
	// Results holds one value per combination of dimension values.
	Results []BreakdownResult `json:"results"`
}

// Value returns the value for the given dimension values (one per key), and
// whether Meta reported it.
func (b *InsightBreakdown) Value(dimensionValues ...string) (float64, bool) {
	if b == nil {
		return 0, false
	}
	for _, r := range b.Results {
		if slicesEqual(r.DimensionValues, dimensionValues) {
			return r.Value, true
		}
	}
	return 0, false
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BreakdownResult is the value of one combination of dimension values.
type BreakdownResult struct {
	DimensionValues []string `json:"dimension_values"`
	Value           float64  `json:"-"`
}

// UnmarshalJSON decodes {"dimension_values": [...], "value": n}.
func (r *BreakdownResult) UnmarshalJSON(b []byte) error {
	var raw struct {
		DimensionValues []string   `json:"dimension_values"`
		Value           flexNumber `json:"value"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*r = BreakdownResult{DimensionValues: raw.DimensionValues, Value: float64(raw.Value)}
	return nil
}

// MarshalJSON encodes the result in Meta's shape.
func (r BreakdownResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		DimensionValues []string `json:"dimension_values"`
		Value           float64  `json:"value"`
	}{r.DimensionValues, r.Value})
}

func countMetric(ms []Metric, m Metric) int {
	n := 0
	for _, x := range ms {
		if x == m {
			n++
		}
	}
	return n
}

// checkMetrics rejects an empty list and metrics Meta removed.
func checkMetrics(ms []Metric) error {
	if len(ms) == 0 {
		return &ValidationError{Field: "metric", Rule: "at least one metric is required"}
	}
	for _, m := range ms {
		if strings.TrimSpace(string(m)) == "" || strings.Contains(string(m), ",") {
			return &ValidationError{Field: "metric", Rule: fmt.Sprintf("%q is not a metric name", m)}
		}
		if r, ok := replacementOf(m); ok {
			return &ValidationError{Field: "metric", Rule: fmt.Sprintf("%s was removed in Graph API %s and on every version since; use %s", m, removedIn(m), r)}
		}
	}
	return nil
}

// Account reads metrics of a professional account. Without Period the SDK
// sends PeriodDay, or PeriodLifetime when every metric is demographic or
// online_followers.
// Demographic metrics need a Timeframe and answer a total value broken
// down by age, city, country or gender.
//
// Meta API: GET /{ig-user-id}/insights
func (s *InsightsService) Account(ctx context.Context, userID string, opts *AccountInsightsOptions) (*InsightsResult, error) {
	if err := checkID("user id", userID); err != nil {
		return nil, err
	}
	if opts == nil {
		return nil, &ValidationError{Field: "metric", Rule: "at least one metric is required"}
	}
	if err := checkMetrics(opts.Metrics); err != nil {
		return nil, err
	}
	o := *opts
	demographic := 0
	for _, m := range o.Metrics {
		if demographicMetric(m) {
			demographic++
		}
	}
	if demographic > 0 {
		if o.Timeframe == "" {
			return nil, &ValidationError{Field: "timeframe", Rule: "required by demographic metrics"}
		}
		if retiredTimeframe(o.Timeframe) {
			for _, m := range o.Metrics {
				if audienceMetric(m) {
					return nil, &ValidationError{Field: "timeframe", Rule: fmt.Sprintf("%s is retired for %s since 2024-08-19; use this_week or this_month", o.Timeframe, m)}
				}
			}
		}
		if demographic == len(o.Metrics) && o.Period == "" {
			o.Period = PeriodLifetime
		}
		if demographic == len(o.Metrics) && o.MetricType == "" {
			o.MetricType = MetricTypeTotalValue
		}
	}
	if o.Period == "" {
		o.Period = PeriodDay
		if demographic+countMetric(o.Metrics, MetricOnlineFollowers) == len(o.Metrics) {
			o.Period = PeriodLifetime
		}
	}
	if o.MetricType == "" {
		series := 0
		for _, m := range o.Metrics {
			if seriesOnlyMetric(m) {
				series++
			}
		}
		if series == 0 && len(o.Metrics) > countMetric(o.Metrics, MetricReach) {
			o.MetricType = MetricTypeTotalValue
		}
	}
	if len(o.Breakdowns) > 0 && o.MetricType != MetricTypeTotalValue {
		return nil, &ValidationError{Field: "breakdown", Rule: "needs metric_type total_value"}
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && o.Until.Before(o.Since.Time) {
		return nil, &ValidationError{Field: "until", Rule: "must not be before since"}
	}
	out := new(InsightsResult)
	if err := s.client.get(ctx, pathEscape(userID)+"/insights", o, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Media reads metrics of one media. Album items have no insights; story
// insights last 24 hours.
//
// Meta API: GET /{ig-media-id}/insights
func (s *InsightsService) Media(ctx context.Context, mediaID string, opts *MediaInsightsOptions) (*InsightsResult, error) {
	if err := checkID("media id", mediaID); err != nil {
		return nil, err
	}
	if opts == nil {
		return nil, &ValidationError{Field: "metric", Rule: "at least one metric is required"}
	}
	if err := checkMetrics(opts.Metrics); err != nil {
		return nil, err
	}
	o := *opts
	if len(o.Breakdowns) > 0 && o.MetricType == "" {
		o.MetricType = MetricTypeTotalValue
	}
	if o.MetricType != "" && o.MetricType != MetricTypeTotalValue && o.MetricType != MetricTypeDefault {
		return nil, &ValidationError{Field: "metric_type", Rule: "media insights take total_value or default"}
	}
	out := new(InsightsResult)
	if err := s.client.get(ctx, pathEscape(mediaID)+"/insights", o, out); err != nil {
		return nil, err
	}
	return out, nil
}
