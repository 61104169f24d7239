package instagram

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxUsageHeader is the largest usage header the client reads; a longer
// one is ignored (and logged at debug level), not parsed.
const maxUsageHeader = 64 << 10

// AppUsage is the body of the X-App-Usage (and X-Page-Usage) header: how
// much of a budget is used, each figure a percentage. Facebook Login hosts
// send call_count, total_time and total_cputime; graph.instagram.com sends
// call_volume and cpu_time.
type AppUsage struct {
	CallCount    int `json:"call_count"`
	TotalTime    int `json:"total_time"`
	TotalCPUTime int `json:"total_cputime"`
	// CallVolume and CPUTime are the Instagram Login host's figures.
	CallVolume int `json:"call_volume"`
	CPUTime    int `json:"cpu_time"`
}

// Max returns the largest of the percentages.
func (u AppUsage) Max() int {
	return max(u.CallCount, u.TotalTime, u.TotalCPUTime, u.CallVolume, u.CPUTime)
}

// BusinessUseCaseUsage is one entry of the X-Business-Use-Case-Usage header
// for one business object (an Instagram account, a Page, ...).
type BusinessUseCaseUsage struct {
	// Type is the use case: instagram, pages, messenger, ads_management ...
	Type         string `json:"type"`
	CallCount    int    `json:"call_count"`
	TotalTime    int    `json:"total_time"`
	TotalCPUTime int    `json:"total_cputime"`
	// EstimatedTimeToRegainAccess is in minutes; 0 when not throttled.
	EstimatedTimeToRegainAccess int `json:"estimated_time_to_regain_access"`
	// AdsAPIAccessTier is sent for ads use cases.
	AdsAPIAccessTier string `json:"ads_api_access_tier,omitempty"`
}

// Max returns the largest of the three percentages.
func (u BusinessUseCaseUsage) Max() int { return max(u.CallCount, u.TotalTime, u.TotalCPUTime) }

// LegacyUsage is the old X-Ratelimit-Limit / X-Ratelimit-Remaining pair.
type LegacyUsage struct {
	Limit     int
	Remaining int
}

// Usage is rate-limit usage reported by Meta's response headers.
type Usage struct {
	// App is X-App-Usage, nil when the header was absent.
	App *AppUsage
	// Page is X-Page-Usage, nil when absent.
	Page *AppUsage
	// Business is X-Business-Use-Case-Usage keyed by business object id.
	Business map[string][]BusinessUseCaseUsage
	// Legacy is X-Ratelimit-Limit/Remaining, nil when absent.
	Legacy *LegacyUsage
	// ObservedAt is when the headers were read.
	ObservedAt time.Time
}

// Empty reports whether no usage header was present.
func (u Usage) Empty() bool {
	return u.App == nil && u.Page == nil && len(u.Business) == 0 && u.Legacy == nil
}

type wireAppUsage struct {
	CallCount    flexInt `json:"call_count"`
	TotalTime    flexInt `json:"total_time"`
	TotalCPUTime flexInt `json:"total_cputime"`
	CallVolume   flexInt `json:"call_volume"`
	CPUTime      flexInt `json:"cpu_time"`
}

type wireBUC struct {
	Type                        string  `json:"type"`
	CallCount                   flexInt `json:"call_count"`
	TotalTime                   flexInt `json:"total_time"`
	TotalCPUTime                flexInt `json:"total_cputime"`
	EstimatedTimeToRegainAccess flexInt `json:"estimated_time_to_regain_access"`
	AdsAPIAccessTier            string  `json:"ads_api_access_tier"`
}

// ParseUsage reads Meta's usage headers. Headers that are absent leave their
// field nil; a malformed or oversized header is skipped and reported in the
// error while the others are still returned. Figures may be numbers or
// strings holding numbers.
func ParseUsage(h http.Header) (Usage, error) {
	var (
		u    Usage
		errs []error
	)
	get := func(name string) string {
		v := h.Get(name)
		if len(v) > maxUsageHeader {
			errs = append(errs, fmt.Errorf("instagram: %s header of %d bytes ignored", name, len(v)))
			return ""
		}
		return v
	}
	parseApp := func(name string) *AppUsage {
		v := get(name)
		if v == "" {
			return nil
		}
		if u, ok := flatAppUsage(v); ok {
			return u
		}
		var w wireAppUsage
		if err := json.Unmarshal([]byte(v), &w); err != nil {
			errs = append(errs, fmt.Errorf("instagram: malformed %s header", name))
			return nil
		}
		return &AppUsage{CallCount: int(w.CallCount), TotalTime: int(w.TotalTime), TotalCPUTime: int(w.TotalCPUTime),
			CallVolume: int(w.CallVolume), CPUTime: int(w.CPUTime)}
	}
	u.App = parseApp("X-App-Usage")
	u.Page = parseApp("X-Page-Usage")
	if v := get("X-Business-Use-Case-Usage"); v != "" {
		// Numbers decode straight into the result; only figures sent as
		// strings need the tolerant wire types and a copy.
		var direct map[string][]BusinessUseCaseUsage
		var w map[string][]wireBUC
		if json.Unmarshal([]byte(v), &direct) == nil {
			if len(direct) > 0 {
				u.Business = direct
			}
		} else if err := json.Unmarshal([]byte(v), &w); err != nil {
			errs = append(errs, errors.New("instagram: malformed X-Business-Use-Case-Usage header"))
		} else if len(w) > 0 {
			u.Business = make(map[string][]BusinessUseCaseUsage, len(w))
			for id, entries := range w {
				out := make([]BusinessUseCaseUsage, 0, len(entries))
				for _, e := range entries {
					out = append(out, BusinessUseCaseUsage{
						Type: e.Type, CallCount: int(e.CallCount), TotalTime: int(e.TotalTime),
						TotalCPUTime: int(e.TotalCPUTime), EstimatedTimeToRegainAccess: int(e.EstimatedTimeToRegainAccess),
						AdsAPIAccessTier: e.AdsAPIAccessTier,
					})
				}
				u.Business[id] = out
			}
		}
	}
	lim, rem := get("X-Ratelimit-Limit"), get("X-Ratelimit-Remaining")
	if lim != "" || rem != "" {
		l, err1 := strconv.Atoi(strings.TrimSpace(lim))
		r, err2 := strconv.Atoi(strings.TrimSpace(rem))
		if err1 != nil || err2 != nil || l < 0 || r < 0 {
			errs = append(errs, errors.New("instagram: malformed X-Ratelimit-Limit/Remaining headers"))
		} else {
			u.Legacy = &LegacyUsage{Limit: l, Remaining: r}
		}
	}
	return u, errors.Join(errs...)
}

// flatAppUsage reads the usual shape of an app usage header, a flat JSON
// object of non-negative integers such as {"call_count":28,"total_time":25},
// without encoding/json (which costs a handful of allocations per call, on
// every answer; BenchmarkMediaPage shows the difference). Anything else
// (strings, spaces, nesting, escapes, unknown shapes) reports false and is
// left to encoding/json, and FuzzFlatAppUsage checks both agree.
func flatAppUsage(v string) (*AppUsage, bool) {
	body, ok1 := strings.CutPrefix(v, "{")
	body, ok2 := strings.CutSuffix(body, "}")
	if !ok1 || !ok2 || body == "" {
		return nil, false
	}
	u := new(AppUsage)
	for field := range strings.SplitSeq(body, ",") {
		name, num, ok := strings.Cut(field, ":")
		if !ok || len(name) < 2 || name[0] != '"' || name[len(name)-1] != '"' || num == "" || len(num) > 9 || len(num) > 1 && num[0] == '0' {
			return nil, false
		}
		n := 0
		for i := 0; i < len(num); i++ {
			if num[i] < '0' || num[i] > '9' {
				return nil, false
			}
			n = n*10 + int(num[i]-'0')
		}
		switch name[1 : len(name)-1] {
		case "call_count":
			u.CallCount = n
		case "total_time":
			u.TotalTime = n
		case "total_cputime":
			u.TotalCPUTime = n
		case "call_volume":
			u.CallVolume = n
		case "cpu_time":
			u.CPUTime = n
		default:
			for _, r := range name[1 : len(name)-1] {
				// encoding/json matches names without regard to case:
				// only lower-case names are surely not one of ours.
				if r != '_' && (r < 'a' || r > 'z') && (r < '0' || r > '9') {
					return nil, false
				}
			}
		}
	}
	return u, true
}

// retryAfterOf reads a Retry-After header in seconds or as an HTTP date,
// relative to now; 0 when absent or unreadable.
func retryAfterOf(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(maxDuration/time.Second) {
			return maxDuration
		}
		return time.Duration(n) * time.Second
	} else if errors.Is(err, strconv.ErrRange) && v[0] != '-' {
		return maxDuration // more seconds than int64 holds: as long as allowed
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

const maxDuration = time.Duration(1<<63 - 1)
