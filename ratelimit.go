package instagram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// AppUsage is the body of the X-App-Usage (and X-Page-Usage) header: how
// much of a budget is used, each figure a percentage.
type AppUsage struct {
	CallCount    int `json:"call_count"`
	TotalTime    int `json:"total_time"`
	TotalCPUTime int `json:"total_cputime"`
}

// Max returns the largest of the three percentages.
func (u AppUsage) Max() int { return max(u.CallCount, u.TotalTime, u.TotalCPUTime) }

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

// clone returns a deep copy.
func (u Usage) clone() Usage {
	out := u
	if u.App != nil {
		a := *u.App
		out.App = &a
	}
	if u.Page != nil {
		p := *u.Page
		out.Page = &p
	}
	if u.Legacy != nil {
		l := *u.Legacy
		out.Legacy = &l
	}
	if u.Business != nil {
		out.Business = make(map[string][]BusinessUseCaseUsage, len(u.Business))
		for k, v := range u.Business {
			out.Business[k] = append([]BusinessUseCaseUsage(nil), v...)
		}
	}
	return out
}

// wireUsage decodes percentages sent as numbers or strings.
type wireUsage struct {
	CallCount    flexInt `json:"call_count"`
	TotalTime    flexInt `json:"total_time"`
	TotalCPUTime flexInt `json:"total_cputime"`
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
// field nil; a malformed header is skipped and reported in the error while
// the others are still returned.
func ParseUsage(h http.Header) (Usage, error) {
	var (
		u    Usage
		errs []error
	)
	parseApp := func(name string) *AppUsage {
		v := h.Get(name)
		if v == "" {
			return nil
		}
		out := new(AppUsage)
		if json.Unmarshal([]byte(v), out) == nil {
			return out // the usual shape: plain numbers
		}
		var w wireUsage
		if err := json.Unmarshal([]byte(v), &w); err != nil {
			errs = append(errs, fmt.Errorf("instagram: malformed %s header", name))
			return nil
		}
		return &AppUsage{CallCount: int(w.CallCount), TotalTime: int(w.TotalTime), TotalCPUTime: int(w.TotalCPUTime)}
	}
	u.App = parseApp("X-App-Usage")
	u.Page = parseApp("X-Page-Usage")
	if v := h.Get("X-Business-Use-Case-Usage"); v != "" {
		var (
			fast map[string][]BusinessUseCaseUsage
			w    map[string][]wireBUC
		)
		if json.Unmarshal([]byte(v), &fast) == nil {
			if len(fast) > 0 {
				u.Business = fast
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
	lim, rem := h.Get("X-Ratelimit-Limit"), h.Get("X-Ratelimit-Remaining")
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

// RateLimitPolicy says how the client treats exhausted budgets before
// sending. The zero value fails fast once a budget reaches 100%.
type RateLimitPolicy struct {
	// Threshold is the usage percentage at which a budget counts as
	// exhausted; 0 means 100.
	Threshold int
	// Wait makes calls wait (bounded by ctx and MaxWait) for the budget to
	// come back instead of failing with *RateLimitError.
	Wait bool
	// MaxWait bounds one wait; a longer expected wait fails fast. 0 means
	// only ctx bounds it.
	MaxWait time.Duration
	// Cooldown is how long an exhausted budget blocks when Meta gives no
	// time to regain access; 0 means one minute. A later answer that shows
	// usage under the threshold lifts the block earlier.
	Cooldown time.Duration
	// Disabled turns pre-flight checks off: usage is still recorded.
	Disabled bool
}

func (p RateLimitPolicy) withDefaults() RateLimitPolicy {
	if p.Threshold == 0 {
		p.Threshold = 100
	}
	if p.Cooldown == 0 {
		p.Cooldown = time.Minute
	}
	return p
}

// rateTracker keeps the latest usage and the times until which budgets are
// exhausted. It is shared by every request of a Client.
type rateTracker struct {
	policy RateLimitPolicy
	now    func() time.Time

	mu       sync.Mutex
	usage    Usage
	appUsage time.Time            // blocked by usage headers until
	appError time.Time            // blocked by a throttling answer until
	bizUntil map[string]time.Time // per business id
	aliases  map[string]string    // "me" -> business id
}

func newRateTracker(p RateLimitPolicy) *rateTracker {
	return &rateTracker{
		policy:   p.withDefaults(),
		now:      time.Now,
		bizUntil: map[string]time.Time{},
		aliases:  map[string]string{},
	}
}

func (t *rateTracker) snapshot() Usage {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.usage.clone()
}

// observe records the usage of one answer to a call on account.
func (t *rateTracker) observe(u Usage, account string) {
	if u.Empty() {
		return
	}
	now := u.ObservedAt
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.policy
	if u.App != nil {
		t.usage.App = u.App
		if u.App.Max() >= p.Threshold {
			t.appUsage = laterOf(t.appUsage, now.Add(p.Cooldown))
		} else {
			t.appUsage = time.Time{}
		}
	}
	if u.Page != nil {
		t.usage.Page = u.Page
	}
	if u.Legacy != nil {
		t.usage.Legacy = u.Legacy
		if u.Legacy.Remaining == 0 && u.Legacy.Limit > 0 {
			t.appUsage = laterOf(t.appUsage, now.Add(p.Cooldown))
		}
	}
	if len(u.Business) > 0 {
		if t.usage.Business == nil {
			t.usage.Business = map[string][]BusinessUseCaseUsage{}
		}
		for id, entries := range u.Business {
			t.usage.Business[id] = entries
			pct, eta := 0, 0
			for _, e := range entries {
				pct = max(pct, e.Max())
				eta = max(eta, e.EstimatedTimeToRegainAccess)
			}
			switch {
			case eta > 0:
				t.bizUntil[id] = now.Add(time.Duration(eta) * time.Minute)
			case pct >= p.Threshold:
				t.bizUntil[id] = laterOf(t.bizUntil[id], now.Add(p.Cooldown))
			default:
				delete(t.bizUntil, id)
			}
		}
		if account != "" && len(u.Business) == 1 {
			if _, known := u.Business[account]; !known {
				for id := range u.Business {
					t.aliases[account] = id
				}
			}
		}
	}
	t.usage.ObservedAt = now
}

// blockedUntil returns when the budgets a call on account needs come back,
// and the business id responsible ("" for the app).
func (t *rateTracker) blockedUntil(account string) (time.Time, string) {
	until, who := laterOf(t.appUsage, t.appError), ""
	if account == "" {
		return until, who
	}
	id := account
	if alias, ok := t.aliases[account]; ok {
		id = alias
	}
	if b := t.bizUntil[id]; b.After(until) {
		until, who = b, id
	}
	return until, who
}

// acquire returns nil when a call on account may be sent now. Otherwise it
// waits (when the policy says so) or returns *RateLimitError.
func (t *rateTracker) acquire(ctx context.Context, account string) error {
	if t.policy.Disabled {
		return ctx.Err()
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		t.mu.Lock()
		until, who := t.blockedUntil(account)
		now := t.now()
		if !until.After(now) {
			t.mu.Unlock()
			return nil
		}
		wait := until.Sub(now)
		if !t.policy.Wait || (t.policy.MaxWait > 0 && wait > t.policy.MaxWait) {
			err := &RateLimitError{RetryAfter: wait, Usage: t.usage.clone(), BusinessID: who}
			t.mu.Unlock()
			return err
		}
		t.mu.Unlock()
		if err := sleepCtx(ctx, wait); err != nil {
			return err
		}
	}
}

// rejected records a throttling answer and returns the error for the caller.
func (t *rateTracker) rejected(apiErr *Error, u Usage, account string, retryAfter time.Duration) *RateLimitError {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	rl := &RateLimitError{Err: apiErr, Usage: u.clone()}
	isBUC := apiErr.Code >= 80000 && apiErr.Code <= 80014
	if isBUC {
		// Block the business objects that report exhaustion, or the
		// account the call addressed.
		for id, entries := range u.Business {
			for _, e := range entries {
				if e.EstimatedTimeToRegainAccess > 0 || e.Max() >= t.policy.Threshold {
					rl.BusinessID = id
					if d := time.Duration(e.EstimatedTimeToRegainAccess) * time.Minute; d > retryAfter && retryAfter == 0 {
						retryAfter = d
					}
				}
			}
		}
		if rl.BusinessID == "" {
			rl.BusinessID = account
			if alias, ok := t.aliases[account]; ok {
				rl.BusinessID = alias
			}
		}
	}
	if retryAfter <= 0 {
		retryAfter = t.policy.Cooldown
	}
	rl.RetryAfter = retryAfter
	if isBUC && rl.BusinessID != "" {
		t.bizUntil[rl.BusinessID] = laterOf(t.bizUntil[rl.BusinessID], now.Add(retryAfter))
	} else {
		t.appError = laterOf(t.appError, now.Add(retryAfter))
	}
	return rl
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// usageSlot carries the usage parsed by the transport back to the pipeline.
type usageSlot struct{ usage Usage }

type usageSlotKey struct{}

// usageTransport is the http.RoundTripper every request of a Client goes
// through: it reads the usage headers of each answer into the tracker.
type usageTransport struct {
	base    http.RoundTripper
	tracker *rateTracker
	root    string // path prefix of the versioned Graph root
}

// RoundTrip sends r and records the usage headers of its answer.
func (u *usageTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := u.base.RoundTrip(r)
	if resp == nil {
		return resp, err
	}
	usage, _ := ParseUsage(resp.Header)
	if usage.Empty() {
		return resp, err
	}
	usage.ObservedAt = u.tracker.now()
	u.tracker.observe(usage, accountOf(r.URL.Path, u.root))
	if slot, ok := r.Context().Value(usageSlotKey{}).(*usageSlot); ok {
		slot.usage = usage
	}
	return resp, err
}

// wrapClient returns a shallow copy of hc whose transport records usage.
func (t *rateTracker) wrapClient(hc *http.Client, root string) *http.Client {
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	out := *hc
	out.Transport = &usageTransport{base: base, tracker: t, root: root}
	return &out
}
