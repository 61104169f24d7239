package instagramtest

import (
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file adds insights: GET /{ig-user-id}/insights and
// GET /{ig-media-id}/insights, on both hosts, answered from the seeded
// values (Account().Insights and each media's Insights).
//
// Account metrics. Daily values cover the 30 days before the server's
// clock; day i ends at UTC midnight i days before today's. since and until
// (unix seconds or dates) select the days whose end lies in (since, until];
// without them the range is the last 24 hours, at most 30 days apart.
//   - reach, follower_count and online_followers come as time series
//     (values[{value, end_time}], oldest first); online_followers' values
//     are objects hour -> followers, and need period=lifetime.
//   - every other metric needs metric_type=total_value
//     (total_value{value, breakdowns}); reach takes either.
//   - breakdowns (with total_value) split the total over the dimension's
//     values: media_product_type for comments, likes, saves, shares,
//     total_interactions, views and reach; follow_type for reach and
//     follows_and_unfollows; follower_type for views; contact_button_type
//     for profile_links_taps. The parts add up to the total.
//   - follower_demographics, engaged_audience_demographics and
//     reached_audience_demographics need period=lifetime, a timeframe,
//     metric_type=total_value and one or more of the age, city, country and
//     gender breakdowns.
//   - metrics of Meta's enum without seeded values answer nothing (Meta
//     answers an empty set rather than zero); unknown metrics, metrics Meta
//     removed in v22.0 (impressions, plays, ...), unsupported breakdowns,
//     periods or metric types answer code 100.
//
// Media metrics answer {name, period: lifetime, values:[{value}]} for the
// values the media has (reach, views, likes, comments, shares, saved,
// total_interactions, profile_visits, follows; replies and navigation for
// stories; ig_reels_avg_watch_time and ig_reels_video_view_total_time for
// reels; profile_activity for feed and story media), with total_value and
// breakdowns for action_type (profile_activity),
// story_navigation_action_type (navigation) and follow_type (reach,
// views). Carousel items have no insights.

type accountMetric struct {
	title      string
	series     bool   // supports metric_type=time_series (the default)
	total      bool   // supports metric_type=total_value
	period     string // the period it takes
	breakdowns []string
	demo       bool // demographic: lifetime, timeframe, age/city/country/gender
}

var accountMetrics = map[string]accountMetric{
	"reach":                         {title: "Accounts reached", series: true, total: true, period: "day", breakdowns: []string{"media_product_type", "follow_type"}},
	"follower_count":                {title: "Follower count", series: true, period: "day"},
	"online_followers":              {title: "Online followers", series: true, period: "lifetime"},
	"views":                         {title: "Views", total: true, period: "day", breakdowns: []string{"follower_type", "media_product_type"}},
	"accounts_engaged":              {title: "Accounts engaged", total: true, period: "day"},
	"total_interactions":            {title: "Content interactions", total: true, period: "day", breakdowns: []string{"media_product_type"}},
	"likes":                         {title: "Likes", total: true, period: "day", breakdowns: []string{"media_product_type"}},
	"comments":                      {title: "Comments", total: true, period: "day", breakdowns: []string{"media_product_type"}},
	"shares":                        {title: "Shares", total: true, period: "day", breakdowns: []string{"media_product_type"}},
	"saves":                         {title: "Saves", total: true, period: "day", breakdowns: []string{"media_product_type"}},
	"replies":                       {title: "Replies", total: true, period: "day"},
	"reposts":                       {title: "Reposts", total: true, period: "day"},
	"profile_links_taps":            {title: "Profile links taps", total: true, period: "day", breakdowns: []string{"contact_button_type"}},
	"follows_and_unfollows":         {title: "Follows and unfollows", total: true, period: "day", breakdowns: []string{"follow_type"}},
	"follower_demographics":         {title: "Follower demographics", total: true, period: "lifetime", demo: true},
	"engaged_audience_demographics": {title: "Engaged audience demographics", total: true, period: "lifetime", demo: true},
	"reached_audience_demographics": {title: "Reached audience demographics", total: true, period: "lifetime", demo: true},
}

// accountMetricEnum is Meta's list of account metric names (v25.0 spec).
var accountMetricEnum = []string{"accounts_engaged", "comments", "content_views", "engaged_audience_demographics",
	"follower_count", "follower_demographics", "follows_and_unfollows", "likes", "online_followers",
	"profile_links_taps", "profile_views", "quotes", "reach", "reached_audience_demographics", "replies", "reposts",
	"saves", "shares", "threads_clicks", "threads_follower_demographics", "threads_followers", "threads_likes",
	"threads_replies", "threads_reposts", "threads_views", "total_interactions", "views", "website_clicks"}

// mediaMetricEnum is Meta's list of media metric names (v25.0 spec).
var mediaMetricEnum = []string{"clips_replays_count", "comments", "content_views", "crossposted_views",
	"facebook_views", "follows", "ig_reels_aggregated_all_plays_count", "ig_reels_avg_watch_time",
	"ig_reels_video_view_total_time", "impressions", "likes", "navigation", "plays", "profile_activity",
	"profile_visits", "quotes", "reach", "reels_skip_rate", "replies", "reposts", "saved", "shares",
	"thread_replies", "thread_shares", "threads_media_clicks", "threads_reposts", "threads_views",
	"total_comments", "total_interactions", "total_likes", "total_views", "video_views", "views"}

// removedMetrics are the metrics Meta stopped serving in v22.0 (every
// version since 2025-04-21).
var removedMetrics = map[string]bool{"impressions": true, "plays": true, "clips_replays_count": true,
	"ig_reels_aggregated_all_plays_count": true, "video_views": true}

// removedV21Metrics are the account metrics Meta stopped serving in v21.0
// (every version since 2025-01-08).
var removedV21Metrics = map[string]bool{"profile_views": true, "website_clicks": true, "email_contacts": true,
	"get_directions_clicks": true, "phone_call_clicks": true, "text_message_clicks": true}

// retiredTimeframes are the timeframes engaged_audience_demographics and
// reached_audience_demographics no longer take (every version since
// 2024-08-19).
var retiredTimeframes = []string{"last_14_days", "last_30_days", "last_90_days", "prev_month"}

var insightPeriods = []string{"day", "week", "days_28", "month", "lifetime", "total_over_range"}

var insightTimeframes = []string{"last_14_days", "last_30_days", "last_90_days", "prev_month", "this_month", "this_week"}

// dimensionValues are the values a breakdown splits into.
var dimensionValues = map[string][]string{
	"media_product_type":           {"AD", "FEED", "REELS", "STORY"},
	"follow_type":                  {"FOLLOWER", "NON_FOLLOWER", "UNKNOWN"},
	"follower_type":                {"FOLLOWER", "NON_FOLLOWER"},
	"contact_button_type":          {"BOOK_NOW", "CALL", "DIRECTION", "EMAIL", "INSTANT_EXPERIENCE", "TEXT", "UNDEFINED"},
	"action_type":                  {"BIO_LINK_CLICKED", "CALL", "DIRECTION", "EMAIL", "OTHER", "TEXT"},
	"story_navigation_action_type": {"SWIPE_FORWARD", "TAP_BACK", "TAP_EXIT", "TAP_FORWARD"},
}

var demographicKeys = []string{"age", "city", "country", "gender"}

func errMetricRemoved(m string) *graphError {
	return errParam("Starting from Graph API v22.0, the %s metric is no longer supported. Use views instead", m)
}

func errMetricRemovedV21(m string) *graphError {
	return errParam("Starting from Graph API v21.0, the %s metric is no longer supported", m)
}

func errBreakdown(b, m string) *graphError {
	return errParam("The breakdown %s is not supported for the metric %s", b, m)
}

// metricList reads metric=a,b and checks the names against enum.
func metricList(c *call, enum []string) ([]string, *graphError) {
	raw := strings.TrimSpace(c.param("metric"))
	if raw == "" {
		return nil, errParam("The parameter metric is required")
	}
	var out []string
	for i, m := range strings.Split(raw, ",") {
		m = strings.TrimSpace(m)
		if removedMetrics[m] {
			return nil, errMetricRemoved(m)
		}
		if removedV21Metrics[m] {
			return nil, errMetricRemovedV21(m)
		}
		if !slices.Contains(enum, m) {
			return nil, errParam("metric[%d] must be one of the following values: %s", i, strings.Join(enum, ", "))
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

func commaList(c *call, name string) []string {
	var out []string
	for _, v := range strings.Split(c.param(name), ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func setupInsights(s *Server) {
	s.handleEdge(kindUser, http.MethodGet, "insights", accountInsights)
	s.handleEdge(kindMedia, http.MethodGet, "insights", mediaInsights)
}

// accountInsights answers GET /{ig-user-id}/insights.
func accountInsights(c *call) {
	if !ownAccount(c) {
		return
	}
	u := c.node.(*igUser)
	metrics, e := metricList(c, accountMetricEnum)
	if e != nil {
		c.fail(e)
		return
	}
	period := c.param("period")
	if period == "" {
		c.fail(errParam("The parameter period is required"))
		return
	}
	if !slices.Contains(insightPeriods, period) {
		c.fail(errParam("period must be one of the following values: %s", strings.Join(insightPeriods, ", ")))
		return
	}
	metricType := c.param("metric_type")
	if metricType != "" && metricType != "default" && metricType != "time_series" && metricType != "total_value" {
		c.fail(errParam("metric_type must be one of the following values: default, time_series, total_value"))
		return
	}
	breakdowns := commaList(c, "breakdown")
	if len(breakdowns) > 0 && metricType != "total_value" {
		c.fail(errParam("The parameter breakdown requires metric_type=total_value"))
		return
	}
	timeframe := c.param("timeframe")
	if timeframe != "" && !slices.Contains(insightTimeframes, timeframe) {
		c.fail(errParam("timeframe must be one of the following values: %s", strings.Join(insightTimeframes, ", ")))
		return
	}

	now := c.s.now()
	since, e := unixParam(c, "since")
	if e != nil {
		c.fail(e)
		return
	}
	until, e := unixParam(c, "until")
	if e != nil {
		c.fail(e)
		return
	}
	switch {
	case since.IsZero() && until.IsZero():
		since, until = now.Add(-24*time.Hour), now
	case until.IsZero():
		until = now
	case since.IsZero():
		since = until.Add(-24 * time.Hour)
	}
	if !since.Before(until) {
		c.fail(errParam("since must be before until"))
		return
	}
	if until.Sub(since) > 30*24*time.Hour {
		c.fail(errParam("There cannot be more than 30 days (2592000 s) between since and until"))
		return
	}

	var needTotal []string
	for _, m := range metrics {
		spec, ok := accountMetrics[m]
		if !ok {
			continue
		}
		if period != spec.period {
			c.fail(errParam("Incompatible period: the metric %s supports period=%s", m, spec.period))
			return
		}
		switch metricType {
		case "", "default", "time_series":
			if !spec.series {
				needTotal = append(needTotal, m)
			}
		case "total_value":
			if !spec.total {
				c.fail(errParam("metric_type=total_value is not supported for the metric %s", m))
				return
			}
		}
		if spec.demo {
			if timeframe == "" {
				c.fail(errParam("The metric %s requires the parameter timeframe", m))
				return
			}
			if m != "follower_demographics" && slices.Contains(retiredTimeframes, timeframe) {
				c.fail(errParam("The timeframe %s is no longer supported for the metric %s; use this_week or this_month", timeframe, m))
				return
			}
			if len(breakdowns) == 0 {
				c.fail(errParam("The metric %s requires a breakdown: age, city, country or gender", m))
				return
			}
			for _, b := range breakdowns {
				if !slices.Contains(demographicKeys, b) {
					c.fail(errBreakdown(b, m))
					return
				}
			}
		} else {
			if len(breakdowns) > 1 {
				c.fail(errParam("The metric %s takes at most one breakdown", m))
				return
			}
			for _, b := range breakdowns {
				if !slices.Contains(spec.breakdowns, b) {
					c.fail(errBreakdown(b, m))
					return
				}
			}
		}
	}
	if len(needTotal) > 0 {
		c.fail(errParam("The following metrics (%s) should be specified with parameter metric_type=total_value", strings.Join(needTotal, ", ")))
		return
	}

	// Days whose end lies in (since, until], oldest first.
	today := now.UTC().Truncate(24 * time.Hour)
	type day struct {
		index int
		end   time.Time
	}
	var days []day
	for i := 29; i >= 0; i-- {
		end := today.Add(-time.Duration(i) * 24 * time.Hour)
		if end.After(since) && !end.After(until) {
			days = append(days, day{i, end})
		}
	}

	data := []any{}
	for _, m := range metrics {
		spec, ok := accountMetrics[m]
		if !ok {
			continue // in Meta's enum, no data here
		}
		item := newObject().set("name", m).set("period", spec.period).set("title", spec.title).
			set("description", spec.title+" of the account in the selected period.")
		switch {
		case spec.demo:
			item.set("total_value", newObject().set("breakdowns", []any{demographics(u, m, breakdowns)}))
		case m == "online_followers":
			if u.FollowersCount < 100 {
				continue
			}
			var vals []any
			for _, d := range days {
				hours := newObject()
				for h := range 24 {
					hours.set(strconv.Itoa(h), onlineFollowers(u, d.index, h))
				}
				vals = append(vals, newObject().set("value", hours).set("end_time", formatTime(d.end)))
			}
			item.set("values", orEmpty(vals))
		default:
			series, ok := u.Insights.Daily[m]
			if !ok {
				continue
			}
			if metricType == "total_value" {
				total := 0
				for _, d := range days {
					total += series[d.index]
				}
				tv := newObject().set("value", total)
				if len(breakdowns) == 1 {
					tv.set("breakdowns", []any{splitBreakdown(m, breakdowns[0], total, dimensionValues[breakdowns[0]])})
				}
				item.set("total_value", tv)
			} else {
				var vals []any
				for _, d := range days {
					vals = append(vals, newObject().set("value", series[d.index]).set("end_time", formatTime(d.end)))
				}
				item.set("values", orEmpty(vals))
			}
		}
		item.set("id", c.id+"/insights/"+m+"/"+spec.period)
		data = append(data, item)
	}
	out := newObject().set("data", data)
	span := until.Sub(since)
	link := func(from, to time.Time) string {
		q := c.linkQuery()
		q.Set("since", strconv.FormatInt(from.Unix(), 10))
		q.Set("until", strconv.FormatInt(to.Unix(), 10))
		return c.listURL(c.path) + "?" + q.Encode()
	}
	out.set("paging", newObject().set("previous", link(since.Add(-span), since)).set("next", link(until, until.Add(span))))
	c.writeJSON(http.StatusOK, out)
}

func orEmpty(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

// weight is a stable pseudo-random weight in 1..100 for a key.
func weight(parts ...string) int {
	f := fnv.New32a()
	for _, p := range parts {
		_, _ = f.Write([]byte(p))
		_, _ = f.Write([]byte{0})
	}
	return int(f.Sum32()%100) + 1
}

// splitBreakdown splits total over values with stable weights; the parts
// add up to total and zero parts are left out.
func splitBreakdown(metric, key string, total int, values []string) *jsonObject {
	ws := make([]int, len(values))
	sum := 0
	for i, v := range values {
		ws[i] = weight(metric, key, v)
		sum += ws[i]
	}
	parts := make([]int, len(values))
	left := total
	for i := range values {
		parts[i] = total * ws[i] / sum
		left -= parts[i]
	}
	parts[0] += left
	var results []any
	for i, v := range values {
		if parts[i] > 0 {
			results = append(results, newObject().set("dimension_values", []string{v}).set("value", parts[i]))
		}
	}
	return newObject().set("dimension_keys", []string{key}).set("results", orEmpty(results))
}

// demographics answers a demographic metric over one or more keys from the
// seeded follower demographics (engaged and reached audiences are scaled
// down).
func demographics(u *igUser, metric string, keys []string) *jsonObject {
	scale := 1.0
	switch metric {
	case "engaged_audience_demographics":
		scale = 0.3
	case "reached_audience_demographics":
		scale = 0.6
	}
	total := float64(max(u.FollowersCount, 1))
	type combo struct {
		vals []string
		frac float64
	}
	combos := []combo{{nil, 1}}
	for _, k := range keys {
		dist := u.Insights.Demographics[k]
		vals := make([]string, 0, len(dist))
		for v := range dist {
			vals = append(vals, v)
		}
		slices.Sort(vals)
		var next []combo
		for _, cb := range combos {
			for _, v := range vals {
				next = append(next, combo{append(slices.Clone(cb.vals), v), cb.frac * float64(dist[v]) / total})
			}
		}
		combos = next
	}
	var results []any
	for _, cb := range combos {
		n := int(cb.frac*total*scale + 0.5)
		if n > 0 {
			results = append(results, newObject().set("dimension_values", cb.vals).set("value", n))
		}
	}
	if len(results) > 45 {
		results = results[:45] // Meta answers the top 45 only
	}
	return newObject().set("dimension_keys", keys).set("results", orEmpty(results))
}

// onlineFollowers is a stable count of followers online at an hour.
func onlineFollowers(u *igUser, dayIndex, hour int) int {
	base := u.FollowersCount / 40
	peak := 1.0
	if hour >= 17 && hour <= 22 {
		peak = 1.8
	} else if hour < 7 {
		peak = 0.4
	}
	return int(float64(base)*peak) + weight(u.ID, strconv.Itoa(dayIndex), strconv.Itoa(hour))
}

// mediaBreakdowns are the breakdowns each media metric supports.
var mediaBreakdowns = map[string][]string{
	"profile_activity": {"action_type"},
	"navigation":       {"story_navigation_action_type"},
	"reach":            {"follow_type"},
	"views":            {"follow_type"},
}

var mediaTitles = map[string]string{
	"reach": "Accounts reached", "views": "Views", "likes": "Likes", "comments": "Comments", "shares": "Shares",
	"saved": "Saved", "total_interactions": "Interactions", "profile_visits": "Profile visits", "follows": "Follows",
	"replies": "Replies", "navigation": "Navigation", "profile_activity": "Profile activity",
	"ig_reels_avg_watch_time": "Average watch time", "ig_reels_video_view_total_time": "Watch time",
}

// mediaValue is a media's value of a metric, false when the metric does
// not apply to it.
func mediaValue(m *media, metric string) (int, bool) {
	if v, ok := m.Insights[metric]; ok {
		return v, true
	}
	if metric == "profile_activity" && m.ProductType != "REELS" {
		return m.Insights["profile_visits"]/2 + m.Insights["follows"], true
	}
	return 0, false
}

// mediaInsights answers GET /{ig-media-id}/insights.
func mediaInsights(c *call) {
	m, ok := ownMedia(c)
	if !ok {
		return
	}
	if m.isCarouselItem() {
		c.fail(errParam("Insights are not available for carousel album items; read the album's insights"))
		return
	}
	metrics, e := metricList(c, mediaMetricEnum)
	if e != nil {
		c.fail(e)
		return
	}
	if p := c.param("period"); p != "" && p != "lifetime" {
		c.fail(errParam("Incompatible period: media metrics support period=lifetime"))
		return
	}
	metricType := c.param("metric_type")
	if metricType != "" && metricType != "default" && metricType != "total_value" {
		c.fail(errParam("metric_type must be one of the following values: default, total_value"))
		return
	}
	breakdowns := commaList(c, "breakdown")
	if len(breakdowns) > 1 {
		c.fail(errParam("Media insights take at most one breakdown"))
		return
	}
	data := []any{}
	for _, name := range metrics {
		v, ok := mediaValue(m, name)
		if !ok {
			c.fail(errParam("The Media Insights API does not support the %s metric for this media product type", name))
			return
		}
		item := newObject().set("name", name).set("period", "lifetime").
			set("values", []any{newObject().set("value", v)}).
			set("title", mediaTitles[name]).
			set("description", mediaTitles[name]+" of the media.")
		if len(breakdowns) == 0 && metricType == "total_value" {
			item.set("total_value", newObject().set("value", v))
		}
		if len(breakdowns) == 1 {
			b := breakdowns[0]
			if !slices.Contains(mediaBreakdowns[name], b) {
				c.fail(errBreakdown(b, name))
				return
			}
			item.set("total_value", newObject().set("value", v).
				set("breakdowns", []any{splitBreakdown(name, b, v, dimensionValues[b])}))
		}
		item.set("id", m.ID+"/insights/"+name+"/lifetime")
		data = append(data, item)
	}
	c.writeJSON(http.StatusOK, newObject().set("data", data))
}
