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
		if out, ok := scanAppUsage(v); ok {
			return out // the usual shape, read without reflection
		}
		out := new(AppUsage)
		if json.Unmarshal([]byte(v), out) == nil {
			return out
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
		if scanned, ok := scanBusinessUsage(v); ok {
			if len(scanned) > 0 {
				u.Business = scanned
			}
		} else if json.Unmarshal([]byte(v), &fast) == nil {
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

// hysteresis is how far under the threshold usage must fall before a block
// set by usage headers lifts early: answers to concurrent calls arrive out
// of order, and a slightly lower figure is not a sign the budget came back.
const hysteresis = 10

// budgetState follows one budget (the app's, or a business object's).
type budgetState struct {
	pct       int       // latest usage percentage
	observed  int       // answers that reported this budget
	basePct   int       // usage when the current estimate started
	baseObs   int       // observed count then
	baseTime  time.Time // and the time
	peak      int       // highest usage since then
	slope     float64   // estimated percentage points per call; 0 unknown
	inflight  int       // calls sent and not yet answered
	usageTill time.Time // exhausted according to usage headers until
	errorTill time.Time // throttled by Meta until
	lastProbe time.Time
}

// record takes one usage figure and reports whether it shows that the
// window rolled over.
func (b *budgetState) record(pct int, now time.Time) (rolled bool) {
	b.observed++
	b.pct = pct
	if b.observed == 1 || pct < b.peak/2 {
		// First figure, or usage fell to under half its peak: the window
		// rolled, start a new estimate. A smaller drop is an answer that
		// arrived out of order, not a new window.
		b.basePct, b.baseObs, b.baseTime, b.peak = pct, b.observed, now, pct
		return b.observed > 1
	}
	b.peak = max(b.peak, pct)
	if n := b.observed - b.baseObs; n >= 4 && b.peak > b.basePct {
		b.slope = float64(b.peak-b.basePct) / float64(n)
	}
	return false
}

// predicted is the usage expected once the calls in flight and one more
// are answered. Within a window usage only grows, so the highest figure
// seen is the current one: answers processed out of order show less.
func (b *budgetState) predicted() float64 {
	return float64(b.peak) + float64(b.inflight+1)*b.slope
}

// rateTracker keeps the latest usage and decides, before each call,
// whether the budgets it needs have room. It is shared by every request of
// a Client.
//
// Usage headers arrive after the fact, so many goroutines sharing a client
// could overshoot a budget between two answers. The tracker counts the
// calls in flight and estimates how many percentage points one call costs,
// and refuses (or delays) a call that would take a budget past the
// threshold. While a budget is exhausted according to usage headers, one
// probe call is let through every Cooldown/4, and the usage it reports lifts
// the block as soon as the budget is back.
type rateTracker struct {
	policy RateLimitPolicy
	now    func() time.Time

	mu      sync.Mutex
	usage   Usage
	app     budgetState
	biz     map[string]*budgetState
	aliases map[string]string // "me" -> business id
	changed chan struct{}     // closed and replaced when a block may have lifted
	waiters int               // goroutines waiting in acquire
}

func newRateTracker(p RateLimitPolicy) *rateTracker {
	return &rateTracker{
		policy:  p.withDefaults(),
		now:     time.Now,
		biz:     map[string]*budgetState{},
		aliases: map[string]string{},
		changed: make(chan struct{}),
	}
}

func (t *rateTracker) snapshot() Usage {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.usage.clone()
}

// notify wakes waiters; t.mu is held.
func (t *rateTracker) notify() {
	close(t.changed)
	t.changed = make(chan struct{})
}

// applyUsage updates one budget from a usage figure; t.mu is held.
func (t *rateTracker) applyUsage(b *budgetState, pct, etaMinutes int, now time.Time) {
	p := t.policy
	rolled := b.record(pct, now)
	switch {
	case etaMinutes > 0:
		b.errorTill = laterOf(b.errorTill, now.Add(time.Duration(etaMinutes)*time.Minute))
	case pct >= p.Threshold:
		if b.usageTill.After(now) {
			break // already blocked: later figures (probes) do not extend it
		}
		// The budget has been filling since baseTime, when usage last
		// started from a low point; it is expected back one cooldown after
		// that. Anchoring there, not at now, keeps a client in step with
		// fixed windows instead of drifting a little later each window.
		until := b.baseTime.Add(p.Cooldown)
		if !until.After(now) {
			until = now.Add(p.Cooldown)
		}
		b.usageTill = until
		b.basePct, b.baseObs, b.baseTime, b.peak = pct, b.observed, now, max(b.peak, pct)
	case (rolled || b.peak < p.Threshold-hysteresis) && pct < p.Threshold-hysteresis && !b.usageTill.IsZero():
		// The budget came back (a new window, or a rolling window that
		// drained): lift the block.
		b.usageTill = time.Time{}
		t.notify()
	}
}

// observe records the usage of one answer to a call on account.
func (t *rateTracker) observe(u Usage, account string) {
	if u.Empty() {
		return
	}
	now := u.ObservedAt
	t.mu.Lock()
	defer t.mu.Unlock()
	if u.App != nil {
		t.usage.App = u.App
		t.applyUsage(&t.app, u.App.Max(), 0, now)
	}
	if u.Page != nil {
		t.usage.Page = u.Page
	}
	if u.Legacy != nil {
		t.usage.Legacy = u.Legacy
		if u.Legacy.Limit > 0 {
			t.applyUsage(&t.app, 100-u.Legacy.Remaining*100/u.Legacy.Limit, 0, now)
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
			t.applyUsage(t.bizState(id), pct, eta, now)
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

func (t *rateTracker) bizState(id string) *budgetState {
	b := t.biz[id]
	if b == nil {
		b = &budgetState{}
		t.biz[id] = b
	}
	return b
}

// budgetsFor lists the budgets a call on account spends; t.mu is held. A
// call addressed to a business object the tracker knows (an account id, or
// "me" once mapped) spends that object's budget; a call addressed to
// anything else (a media, a comment) may spend any known account's budget,
// so it needs all of them: exact for the usual client of one account,
// cautious for tokens that manage several.
func (t *rateTracker) budgetsFor(account string) ([]*budgetState, []string) {
	budgets, ids := []*budgetState{&t.app}, []string{""}
	id := account
	if alias, ok := t.aliases[account]; ok {
		id = alias
	}
	if b, known := t.biz[id]; known && id != "" {
		return append(budgets, b), append(ids, id)
	}
	for bid, b := range t.biz {
		budgets, ids = append(budgets, b), append(ids, bid)
	}
	return budgets, ids
}

// acquire reserves room for one call on account. It returns a release
// function to call once the answer is in, or waits (when the policy says
// so) or fails with *RateLimitError when a budget has no room.
func (t *rateTracker) acquire(ctx context.Context, account string) (func(), error) {
	if t.policy.Disabled {
		return func() {}, ctx.Err()
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t.mu.Lock()
		now := t.now()
		budgets, ids := t.budgetsFor(account)
		var (
			wake    time.Time
			who     string
			blocked bool
			probe   bool
		)
		for i, b := range budgets {
			ok, isProbe, until := t.room(b, now)
			if ok {
				probe = probe || isProbe
				continue
			}
			if !blocked || until.After(wake) {
				wake, who = until, ids[i]
			}
			blocked = true
		}
		if !blocked {
			for _, b := range budgets {
				b.inflight++
				if probe {
					b.lastProbe = now
				}
			}
			t.mu.Unlock()
			var once sync.Once
			return func() {
				once.Do(func() {
					t.mu.Lock()
					for _, b := range budgets {
						b.inflight--
					}
					if t.waiters > 0 {
						t.notify() // a reservation freed: waiters re-check
					}
					t.mu.Unlock()
				})
			}, nil
		}
		wait := wake.Sub(now)
		if !t.policy.Wait || (t.policy.MaxWait > 0 && wait > t.policy.MaxWait) {
			err := &RateLimitError{RetryAfter: wait, Usage: t.usage.clone(), BusinessID: who}
			t.mu.Unlock()
			return nil, err
		}
		changed := t.changed
		t.waiters++
		t.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-changed:
		case <-timer.C:
		}
		timer.Stop()
		t.mu.Lock()
		t.waiters--
		t.mu.Unlock()
	}
}

// room reports whether budget b can take one more call now, whether that
// call is a probe, and otherwise until when to wait; t.mu is held.
func (t *rateTracker) room(b *budgetState, now time.Time) (ok, probe bool, until time.Time) {
	if b.errorTill.After(now) {
		return false, false, b.errorTill
	}
	exhausted := b.usageTill.After(now)
	// Prediction only delays calls until those in flight are answered, so
	// it applies when the policy waits; failing fast is kept for budgets
	// that answers have shown to be exhausted.
	if !exhausted && t.policy.Wait && b.slope > 0 && b.predicted() >= float64(t.policy.Threshold) && b.peak < t.policy.Threshold {
		// The calls in flight will take the budget to the threshold.
		exhausted = true
		if b.inflight == 0 {
			return true, false, time.Time{}
		}
	}
	if !exhausted {
		return true, false, time.Time{}
	}
	interval := t.policy.Cooldown / 4
	next := b.lastProbe.Add(interval)
	if t.policy.Wait && b.inflight == 0 && !next.After(now) && float64(b.peak)+2*b.slope < 100 {
		return true, true, time.Time{}
	}
	until = next
	if until.Before(now) {
		until = now.Add(interval)
	}
	if !b.usageTill.IsZero() && b.usageTill.Before(until) && b.usageTill.After(now) {
		until = b.usageTill
	}
	return false, false, until
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
					if retryAfter == 0 {
						retryAfter = time.Duration(e.EstimatedTimeToRegainAccess) * time.Minute
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
	if apiErr.Code == 613 && apiErr.Subcode == 2534040 {
		// A messaging throttle concerns one conversation partner or
		// account, not the app: MessagingLimits paces those calls, so the
		// other calls of the client go on.
		return rl
	}
	b := &t.app
	if isBUC && rl.BusinessID != "" {
		b = t.bizState(rl.BusinessID)
	}
	b.errorTill = laterOf(b.errorTill, now.Add(retryAfter))
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
