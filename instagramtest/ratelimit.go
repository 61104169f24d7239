package instagramtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// budget counts calls in fixed windows.
type budget struct {
	limit   int
	window  time.Duration
	start   time.Time // start of the current window
	count   int       // calls counted in the current window
	history []int     // calls of the finished windows, oldest first
}

// maxHistory bounds the per-window history kept for Stats.
const maxHistory = 1000

// roll moves the budget to the window holding now, recording the calls of
// the windows that ended (zero for windows nobody called in).
func (b *budget) roll(now time.Time) {
	if d := now.Sub(b.start); d >= b.window {
		n := int(d / b.window)
		b.history = append(b.history, b.count)
		for i := 1; i < n && i < maxHistory; i++ {
			b.history = append(b.history, 0)
		}
		if len(b.history) > maxHistory {
			b.history = b.history[len(b.history)-maxHistory:]
		}
		b.start = b.start.Add(time.Duration(n) * b.window)
		b.count = 0
	}
}

func (b *budget) reset() time.Time { return b.start.Add(b.window) }

// percent is the share of the budget used, as Meta's integer percentages.
func (b *budget) percent() int { return b.count * 100 / b.limit }

func (b *budget) exhausted() bool { return b.count >= b.limit }

// Stats counts what the server did since it started.
type Stats struct {
	// Requests is every request that arrived, including faulted ones.
	Requests int
	// Calls is the calls that passed the token and budget checks and
	// reached a handler.
	Calls int
	// Throttled is the calls refused for the app (code 4) or account
	// (code 80002) budget.
	Throttled int
	// Faulted is the requests answered by an injected fault (delays not
	// counted).
	Faulted int
	// AppWindowCalls is the calls counted against the app budget in the
	// current window, AccountWindowCalls those against the seeded
	// account's budget.
	AppWindowCalls, AccountWindowCalls int
	// WindowReset is when the current app window ends.
	WindowReset time.Time
	// AppWindowHistory holds the calls counted in each finished app
	// window, oldest first (at most the last 1000 windows).
	AppWindowHistory []int
	// AppBudget is the app's call budget per window.
	AppBudget int
}

// Stats returns the server's counters.
func (s *Server) Stats() Stats {
	s.meta.Lock()
	defer s.meta.Unlock()
	now := s.now()
	st := s.stats
	s.app.roll(now)
	st.AppWindowCalls = s.app.count
	st.WindowReset = s.app.reset()
	st.AppWindowHistory = append([]int(nil), s.app.history...)
	st.AppBudget = s.app.limit
	st.AccountWindowCalls = s.accountBudget(s.UserID, now).count
	return st
}

// accountBudget returns the budget of an account, rolled to now; s.meta is held.
func (s *Server) accountBudget(account string, now time.Time) *budget {
	b := s.accounts[account]
	if b == nil {
		b = &budget{limit: s.cfg.acctCalls, window: s.cfg.acctWindow, start: s.start}
		s.accounts[account] = b
	}
	b.roll(now)
	return b
}

// countCall charges a call to the budgets, or refuses it with code 80002
// (account over budget; Meta lets the business use case limit win) or 4
// (app over budget). It sets the usage headers either way.
func (s *Server) countCall(h http.Header, t *token) *graphError {
	s.meta.Lock()
	defer s.meta.Unlock()
	now := s.now()
	s.app.roll(now)
	account := t.account
	var acct *budget
	if account != "" {
		acct = s.accountBudget(account, now)
	} else {
		account = s.UserID
	}
	var refused *graphError
	var until time.Time
	switch {
	case acct != nil && acct.exhausted():
		refused, until = errAccountLimit(), acct.reset()
	case s.app.exhausted():
		refused, until = errAppLimit(), s.app.reset()
	}
	if refused != nil {
		s.stats.Throttled++
		secs := int((until.Sub(now) + time.Second - 1) / time.Second)
		h.Set("Retry-After", strconv.Itoa(max(secs, 1)))
	} else {
		s.stats.Calls++
		s.app.count++
		if acct != nil {
			acct.count++
		}
	}
	s.usageHeadersLocked(h, account, now)
	return refused
}

// setUsageHeaders sets X-App-Usage and X-Business-Use-Case-Usage for an
// account without counting a call.
func (s *Server) setUsageHeaders(h http.Header, account string) {
	s.meta.Lock()
	defer s.meta.Unlock()
	now := s.now()
	s.app.roll(now)
	s.usageHeadersLocked(h, account, now)
}

type appUsage struct {
	CallCount    int `json:"call_count"`
	TotalCPUTime int `json:"total_cputime"`
	TotalTime    int `json:"total_time"`
}

type bucUsage struct {
	Type                        string `json:"type"`
	CallCount                   int    `json:"call_count"`
	TotalCPUTime                int    `json:"total_cputime"`
	TotalTime                   int    `json:"total_time"`
	EstimatedTimeToRegainAccess int    `json:"estimated_time_to_regain_access"`
}

// usageHeadersLocked writes both usage headers; s.meta is held. The fake
// spends no real time, so total_cputime and total_time equal call_count.
// estimated_time_to_regain_access is the minutes (rounded up) until the
// account's window ends while its budget is used up, else 0.
func (s *Server) usageHeadersLocked(h http.Header, account string, now time.Time) {
	p := s.app.percent()
	b, _ := json.Marshal(appUsage{CallCount: p, TotalCPUTime: p, TotalTime: p})
	h.Set("X-App-Usage", string(b))

	acct := s.accountBudget(account, now)
	ap := acct.percent()
	regain := 0
	if acct.exhausted() {
		regain = int((acct.reset().Sub(now) + time.Minute - 1) / time.Minute)
	}
	b, _ = json.Marshal(map[string][]bucUsage{account: {{
		Type: "instagram", CallCount: ap, TotalCPUTime: ap, TotalTime: ap,
		EstimatedTimeToRegainAccess: regain,
	}}})
	h.Set("X-Business-Use-Case-Usage", string(b))
}
