package instagram

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Defaults of Limits.
const (
	// DefaultMaxWait is how long a call waits at most for a budget, a
	// pacing slot or the hashtag quota before it fails with
	// *RateLimitError.
	DefaultMaxWait = time.Minute
	// DefaultThreshold is the usage percentage at which a budget counts as
	// exhausted.
	DefaultThreshold = 95
	// DefaultCooldown is how long an exhausted budget stays blocked when
	// Meta says nothing of when it comes back.
	DefaultCooldown = time.Minute
	// DefaultMaxBlock caps the block any single answer can cause, however
	// far its Retry-After or estimated_time_to_regain_access reaches.
	DefaultMaxBlock = 24 * time.Hour
)

// Limits configures a Client's limits system: Meta's app and business use
// case budgets (read from usage headers and throttling answers), the
// messaging rates (paced per account and kind of message) and the
// hashtag quota (30 distinct hashtags per account in 7 days). Give it to
// NewClient with WithLimits; zero fields take their defaults.
//
// There is one behaviour for all of them: a call that has no room waits
// for it, bounded by its context and MaxWait; when the wait would be
// longer, the call fails at once with a *RateLimitError (nothing sent)
// that says how long to wait. A negative MaxWait never waits.
type Limits struct {
	// MaxWait bounds one wait; 0 means DefaultMaxWait, negative means fail
	// at once instead of waiting.
	MaxWait time.Duration
	// Threshold is the usage percentage (1-100) at which a budget counts
	// as exhausted; 0 means DefaultThreshold.
	Threshold int
	// Cooldown is how long an exhausted budget blocks when Meta gives no
	// time; 0 means DefaultCooldown. It is counted from when the budget's
	// usage was first seen in its current window, so that clients keep
	// in step with Meta's windows.
	Cooldown time.Duration
	// MaxBlock caps how long one answer can block a budget; 0 means
	// DefaultMaxBlock.
	MaxBlock time.Duration
	// Messaging are the messaging rates; zero fields take Meta's.
	Messaging MessagingLimits
	// HashtagLimit is the number of distinct hashtags one account may
	// search in HashtagWindow; 0 means HashtagSearchLimit, negative turns
	// the client-side quota off.
	HashtagLimit int
	// HashtagWindow is the rolling window of the quota; 0 means
	// HashtagSearchWindow.
	HashtagWindow time.Duration
	// Store holds the state; nil means a MemoryLimitStore of the Client's
	// own. Share one store between clients (or, through Redis, between
	// processes) to share their budgets, pacing and quota.
	Store LimitStore
	// Disabled turns the checks before sending off; usage is still read.
	Disabled bool
}

func (l Limits) withDefaults() (Limits, error) {
	if l.MaxWait == 0 {
		l.MaxWait = DefaultMaxWait
	}
	if l.Threshold == 0 {
		l.Threshold = DefaultThreshold
	}
	if l.Threshold < 1 || l.Threshold > 100 {
		return l, &ValidationError{Field: "Limits.Threshold", Rule: "must be between 1 and 100"}
	}
	if l.Cooldown == 0 {
		l.Cooldown = DefaultCooldown
	}
	if l.MaxBlock == 0 {
		l.MaxBlock = DefaultMaxBlock
	}
	if l.Cooldown < 0 || l.MaxBlock < 0 || l.HashtagWindow < 0 {
		return l, &ValidationError{Field: "Limits", Rule: "durations must not be negative"}
	}
	if l.HashtagLimit == 0 {
		l.HashtagLimit = HashtagSearchLimit
	}
	if l.HashtagWindow == 0 {
		l.HashtagWindow = HashtagSearchWindow
	}
	l.Messaging = l.Messaging.withDefaults()
	if err := l.Messaging.check(); err != nil {
		return l, err
	}
	return l, nil
}

// MessagingLimit is a number of calls allowed per period. The client spaces
// calls evenly, one every Per/Calls widened by a tenth, so that no window of
// length Per ever holds more than Calls of them, even when calls take up to
// a tenth of Per longer on their way to Meta than the ones before them.
type MessagingLimit struct {
	// Calls is how many calls Per allows; a negative value removes the
	// limit.
	Calls int
	// Per is the period.
	Per time.Duration
}

// String describes the limit, as "300/1s".
func (l MessagingLimit) String() string {
	if l.Calls < 0 {
		return "unlimited"
	}
	return fmt.Sprintf("%d/%s", l.Calls, l.Per)
}

func (l MessagingLimit) interval() time.Duration {
	if l.Calls <= 0 {
		return 0
	}
	return l.Per * 11 / 10 / time.Duration(l.Calls)
}

// MessagingLimits are Meta's messaging rates, counted per Instagram
// account (as of 2026-03):
//
//   - Conversations: 2 calls per second (conversation and message reads);
//   - Send: 300 calls per second for text, links, reactions and stickers
//     (and sender actions);
//   - SendMedia: 10 calls per second for audio and video;
//   - PrivateReplies: 750 per hour for comments on posts and reels;
//   - LivePrivateReplies: 100 per second for comments on live broadcasts.
//
// Send limits are kept per sender id as given to the call ("me" and the
// numeric id count separately, so use one form); the conversations limit
// is kept per Client token, since conversation and message ids do not name
// the account. The zero value means DefaultMessagingLimits.
type MessagingLimits struct {
	Conversations      MessagingLimit
	Send               MessagingLimit
	SendMedia          MessagingLimit
	PrivateReplies     MessagingLimit
	LivePrivateReplies MessagingLimit
}

// DefaultMessagingLimits returns Meta's documented messaging rates.
func DefaultMessagingLimits() MessagingLimits {
	return MessagingLimits{
		Conversations:      MessagingLimit{Calls: 2, Per: time.Second},
		Send:               MessagingLimit{Calls: 300, Per: time.Second},
		SendMedia:          MessagingLimit{Calls: 10, Per: time.Second},
		PrivateReplies:     MessagingLimit{Calls: 750, Per: time.Hour},
		LivePrivateReplies: MessagingLimit{Calls: 100, Per: time.Second},
	}
}

func (l MessagingLimits) withDefaults() MessagingLimits {
	d := DefaultMessagingLimits()
	fill := func(v *MessagingLimit, def MessagingLimit) {
		if *v == (MessagingLimit{}) {
			*v = def
		}
	}
	fill(&l.Conversations, d.Conversations)
	fill(&l.Send, d.Send)
	fill(&l.SendMedia, d.SendMedia)
	fill(&l.PrivateReplies, d.PrivateReplies)
	fill(&l.LivePrivateReplies, d.LivePrivateReplies)
	return l
}

func (l MessagingLimits) check() error {
	for _, v := range []struct {
		name string
		l    MessagingLimit
	}{{"Conversations", l.Conversations}, {"Send", l.Send}, {"SendMedia", l.SendMedia},
		{"PrivateReplies", l.PrivateReplies}, {"LivePrivateReplies", l.LivePrivateReplies}} {
		if v.l.Calls >= 0 && (v.l.Calls == 0 || v.l.Per <= 0) {
			return &ValidationError{Field: "Limits.Messaging." + v.name, Rule: fmt.Sprintf("need Calls > 0 and Per > 0 (or Calls < 0 for no limit), got %s", v.l)}
		}
	}
	return nil
}

// msgCategory is one of Meta's messaging limits.
type msgCategory int

const (
	limitConversations msgCategory = iota
	limitSend
	limitSendMedia
	limitPrivateReply
	limitLivePrivateReply
)

// name is the category's part of a pacing key.
func (c msgCategory) name() string {
	switch c {
	case limitConversations:
		return "conversations"
	case limitSend:
		return "send"
	case limitSendMedia:
		return "send_media"
	case limitPrivateReply:
		return "private_replies"
	}
	return "live_private_replies"
}

func (l *MessagingLimits) of(c msgCategory) MessagingLimit {
	switch c {
	case limitConversations:
		return l.Conversations
	case limitSend:
		return l.Send
	case limitSendMedia:
		return l.SendMedia
	case limitPrivateReply:
		return l.PrivateReplies
	default:
		return l.LivePrivateReplies
	}
}

// limiter is a Client's limits system. Its state is in the LimitStore; it
// keeps locally only the latest usage headers (for Client.Usage) and, per
// budget, when its current window was first seen (bounded).
type limiter struct {
	cfg    Limits
	store  LimitStore
	local  *MemoryLimitStore // the fallback when store fails; store itself by default
	logger *slog.Logger
	now    func() time.Time

	mu      sync.Mutex
	usage   Usage
	windows map[string]windowMark // budget key -> start of its window
	me      string                // business id reported for "me"
	// identity names the account of the Client's token for the limits
	// that calls do not name (conversation reads): a digest of the token.
	identity func() string
	warned   time.Time // last store-failure warning
}

type windowMark struct {
	start time.Time
	pct   int
}

// maxWindowMarks bounds the local window marks; past it they start over.
const maxWindowMarks = 4096

func newLimiter(cfg Limits, logger *slog.Logger) (*limiter, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	l := &limiter{cfg: cfg, logger: logger, now: time.Now, local: NewMemoryLimitStore(), windows: map[string]windowMark{}}
	l.store = cfg.Store
	if l.store == nil {
		l.store = l.local
	}
	return l, nil
}

// fallback logs a store failure (at most once a minute) and reports that
// the local state decides.
func (l *limiter) fallback(ctx context.Context, op string, err error) {
	l.mu.Lock()
	now := l.now()
	quiet := now.Sub(l.warned) < time.Minute
	if !quiet {
		l.warned = now
	}
	l.mu.Unlock()
	if !quiet {
		l.logger.LogAttrs(ctx, slog.LevelWarn, "instagram: limit store failed; using local state",
			slog.String("op", op), slog.String("error", err.Error()))
	}
}

func (l *limiter) blocked(ctx context.Context, keys []string, now time.Time) time.Time {
	until, err := l.store.Blocked(ctx, keys, now)
	if err != nil && l.store != LimitStore(l.local) {
		l.fallback(ctx, "Blocked", err)
		until, _ = l.local.Blocked(ctx, keys, now)
	}
	return until
}

func (l *limiter) record(ctx context.Context, obs []BudgetObservation) {
	if len(obs) == 0 {
		return
	}
	ttl := 2 * l.cfg.Cooldown
	if l.store != LimitStore(l.local) {
		if err := l.store.Observe(ctx, obs, ttl); err != nil {
			l.fallback(ctx, "Observe", err)
		} else {
			return
		}
	}
	_ = l.local.Observe(ctx, obs, ttl)
}

// budgetKeys lists the budgets a call on account spends: the app's, and
// the business budget of the account when the call names one (a user id,
// or "me" once an answer told which business it is).
func (l *limiter) budgetKeys(account string) []string {
	keys := make([]string, 1, 2)
	keys[0] = "app"
	if account == "me" {
		l.mu.Lock()
		account = l.me
		l.mu.Unlock()
	}
	if account != "" && isDigits(account) {
		keys = append(keys, "buc:"+account)
	}
	return keys
}

// wait blocks until the budgets of a call on account have room, or fails
// with *RateLimitError when that would take longer than MaxWait.
func (l *limiter) wait(ctx context.Context, account string) error {
	if l.cfg.Disabled {
		return ctx.Err()
	}
	keys := l.budgetKeys(account)
	for {
		now := l.now()
		until := l.blocked(ctx, keys, now)
		if !until.After(now) {
			return ctx.Err()
		}
		if err := l.sleep(ctx, until.Sub(now), func() *RateLimitError {
			biz := bizOf(keys)
			if biz != "" && !l.blocked(ctx, keys[:1], now).Before(until) {
				biz = "" // the app's budget is what blocks (only refusals pay for this look-up)
			}
			return &RateLimitError{RetryAfter: until.Sub(now), Usage: l.snapshot(), BusinessID: biz}
		}); err != nil {
			return err
		}
	}
}

func bizOf(keys []string) string {
	for _, k := range keys {
		if id, ok := strings.CutPrefix(k, "buc:"); ok {
			return id
		}
	}
	return ""
}

// sleep waits d when MaxWait allows it, else returns the error limit
// builds.
func (l *limiter) sleep(ctx context.Context, d time.Duration, limit func() *RateLimitError) error {
	if l.cfg.MaxWait < 0 || d > l.cfg.MaxWait {
		return limit()
	}
	if dl, ok := ctx.Deadline(); ok && l.now().Add(d).After(dl) {
		return limit() // the context would end first: fail now
	}
	return sleepCtx(ctx, d)
}

// pace books a messaging slot of category cat for account and waits for it.
func (l *limiter) pace(ctx context.Context, cat msgCategory, account string) error {
	if l.cfg.Disabled {
		return ctx.Err()
	}
	lim := l.cfg.Messaging.of(cat)
	iv := lim.interval()
	if iv <= 0 {
		return ctx.Err()
	}
	maxWait := max(l.cfg.MaxWait, 0)
	if dl, ok := ctx.Deadline(); ok {
		maxWait = min(maxWait, max(time.Until(dl), 0))
	}
	key := "msg:" + account + ":" + cat.name()
	now := l.now()
	wait, ok, err := l.store.Reserve(ctx, key, iv, maxWait, now)
	if err != nil && l.store != LimitStore(l.local) {
		l.fallback(ctx, "Reserve", err)
		wait, ok, _ = l.local.Reserve(ctx, key, iv, maxWait, now)
	}
	if !ok {
		return &RateLimitError{RetryAfter: wait, Usage: l.snapshot()}
	}
	return sleepCtx(ctx, wait)
}

// useHashtag spends one of account's hashtag searches on hashtag.
func (l *limiter) useHashtag(ctx context.Context, account, hashtag string) error {
	if l.cfg.Disabled || l.cfg.HashtagLimit < 0 {
		return nil
	}
	now := l.now()
	key := "hashtags:" + account
	ok, retryAt, err := l.store.Use(ctx, key, hashtag, l.cfg.HashtagLimit, l.cfg.HashtagWindow, now)
	if err != nil && l.store != LimitStore(l.local) {
		l.fallback(ctx, "Use", err)
		ok, retryAt, _ = l.local.Use(ctx, key, hashtag, l.cfg.HashtagLimit, l.cfg.HashtagWindow, now)
	}
	if !ok {
		return &HashtagLimitError{UserID: account, Hashtag: hashtag, Limit: l.cfg.HashtagLimit, Window: l.cfg.HashtagWindow, RetryAt: retryAt}
	}
	return nil
}

// snapshot returns the latest usage headers seen.
func (l *limiter) snapshot() Usage {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.usage
	if out.App != nil {
		a := *out.App
		out.App = &a
	}
	if out.Page != nil {
		p := *out.Page
		out.Page = &p
	}
	if out.Legacy != nil {
		g := *out.Legacy
		out.Legacy = &g
	}
	if out.Business != nil {
		b := make(map[string][]BusinessUseCaseUsage, len(out.Business))
		for k, v := range out.Business {
			b[k] = append([]BusinessUseCaseUsage(nil), v...)
		}
		out.Business = b
	}
	return out
}

// blockFor caps d by MaxBlock and returns the block's end.
func (l *limiter) blockFor(now time.Time, d time.Duration) time.Time {
	return now.Add(min(max(d, 0), l.cfg.MaxBlock))
}

// usageBlock returns the block end for a budget whose usage reached the
// threshold: one cooldown after its window was first seen, or after now
// when that has passed.
func (l *limiter) usageBlock(key string, now time.Time) time.Time {
	l.mu.Lock()
	start := l.windows[key].start
	l.mu.Unlock()
	if until := start.Add(l.cfg.Cooldown); until.After(now) {
		return until
	}
	return l.blockFor(now, l.cfg.Cooldown)
}

// mark notes a usage figure of key: a figure under half the previous one
// means the window rolled, and starts a new one.
func (l *limiter) mark(key string, pct int, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.windows[key]
	if !ok || pct < w.pct/2 || now.Sub(w.start) > l.cfg.Cooldown {
		if !ok && len(l.windows) >= maxWindowMarks {
			clear(l.windows)
		}
		w = windowMark{start: now}
	}
	w.pct = max(w.pct, pct)
	l.windows[key] = w
}

// observe records the usage headers of one answer to a call on account.
func (l *limiter) observe(ctx context.Context, u Usage, account string) {
	if u.Empty() {
		return
	}
	now := u.ObservedAt
	l.mu.Lock()
	if u.App != nil {
		l.usage.App = u.App
	}
	if u.Page != nil {
		l.usage.Page = u.Page
	}
	if u.Legacy != nil {
		l.usage.Legacy = u.Legacy
	}
	if len(u.Business) > 0 {
		// Only the latest answer's business figures are kept: memory stays
		// bounded however many businesses answers name.
		l.usage.Business = u.Business
		if account == "me" && len(u.Business) == 1 {
			for id := range u.Business {
				l.me = id
			}
		}
	}
	l.usage.ObservedAt = now
	l.mu.Unlock()

	obs := make([]BudgetObservation, 0, 2+len(u.Business))
	add := func(key string, pct int, eta time.Duration) {
		l.mark(key, pct, now)
		o := BudgetObservation{Key: key, Percent: min(max(pct, 0), 100)}
		switch {
		case eta > 0:
			o.BlockedUntil = l.blockFor(now, eta)
		case pct >= l.cfg.Threshold:
			o.BlockedUntil = l.usageBlock(key, now)
		}
		obs = append(obs, o)
	}
	app := -1
	if u.App != nil {
		app = u.App.Max()
	}
	if u.Legacy != nil && u.Legacy.Limit > 0 {
		app = max(app, 100-u.Legacy.Remaining*100/u.Legacy.Limit)
	}
	if app >= 0 {
		add("app", app, 0)
	}
	for id, entries := range u.Business {
		if !isDigits(id) {
			continue
		}
		pct, eta := 0, 0
		for _, e := range entries {
			pct = max(pct, e.Max())
			eta = max(eta, e.EstimatedTimeToRegainAccess)
		}
		add("buc:"+id, pct, time.Duration(min(eta, int(l.cfg.MaxBlock/time.Minute)+1))*time.Minute)
	}
	l.record(ctx, obs)
}

// rejected records a throttling answer and returns the error for the
// caller.
func (l *limiter) rejected(ctx context.Context, apiErr *Error, u Usage, account string, retryAfter time.Duration) *RateLimitError {
	now := l.now()
	rl := &RateLimitError{Err: apiErr, Usage: u}
	isBUC := apiErr.Code >= 80000 && apiErr.Code <= 80014
	if isBUC {
		for id, entries := range u.Business {
			for _, e := range entries {
				if e.EstimatedTimeToRegainAccess > 0 || e.Max() >= l.cfg.Threshold {
					rl.BusinessID = id
					if retryAfter == 0 {
						retryAfter = time.Duration(min(e.EstimatedTimeToRegainAccess, int(l.cfg.MaxBlock/time.Minute)+1)) * time.Minute
					}
				}
			}
		}
		if rl.BusinessID == "" {
			rl.BusinessID = bizOf(l.budgetKeys(account))
		}
	}
	if retryAfter <= 0 {
		retryAfter = l.cfg.Cooldown
	}
	retryAfter = min(retryAfter, l.cfg.MaxBlock)
	rl.RetryAfter = retryAfter
	if apiErr.Code == 613 && apiErr.Subcode == 2534040 {
		// A messaging throttle concerns one conversation partner or
		// account, not the app: the pacing handles those calls, and the
		// client's other calls go on.
		return rl
	}
	key := "app"
	if isBUC && rl.BusinessID != "" {
		key = "buc:" + rl.BusinessID
	}
	l.record(ctx, []BudgetObservation{{Key: key, Percent: -1, BlockedUntil: l.blockFor(now, retryAfter)}})
	return rl
}

// limiterOf returns the limits system of c (the messaging service's way in).
func limiterOf(c *Client) *limiter { return c.limits }

// acquire paces a messaging call of category cat for account ("" for the
// calls that name no account: the Client's own, once known). The returned
// function is for symmetry with other guards and does nothing.
func (l *limiter) acquire(ctx context.Context, cat msgCategory, account string) (func(), error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if cat == limitConversations || account == "" {
		// Conversation and message reads name no account (or name it in
		// several forms): they share one limit per token.
		account = "token"
		if l.identity != nil {
			account = "token:" + l.identity()
		}
	}
	return func() {}, l.pace(ctx, cat, account)
}
