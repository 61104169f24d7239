package instagram

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"
	"weak"
)

// MessagingLimit is a number of calls allowed in a sliding window.
type MessagingLimit struct {
	// Calls is how many calls the window allows; a negative value removes
	// the limit.
	Calls int
	// Per is the length of the window.
	Per time.Duration
}

// String describes the limit, as "100/1s".
func (l MessagingLimit) String() string {
	if l.Calls < 0 {
		return "unlimited"
	}
	return fmt.Sprintf("%d/%s", l.Calls, l.Per)
}

// MessagingLimits are the client-side limits the MessagingService keeps so
// that a busy inbox never reaches Meta's messaging rate limits. Meta counts
// them per Instagram account:
//
//   - Conversations: 2 calls per second (Conversations, AllConversations
//     pages, Conversation, Message);
//   - Send: 100 calls per second for text, links, reactions, stickers and
//     other attachments, and for sender actions;
//   - SendMedia: 10 calls per second for audio and video;
//   - PrivateReplies: 750 per hour for comments on posts and reels;
//   - LivePrivateReplies: 100 per second for comments on live broadcasts.
//
// Send limits are kept per sender id as given to the call ("me" and the
// numeric id count separately, so use one form); the conversations limit
// is kept per Client, since conversation and message ids do not name the
// account (a Client's token acts for one account). A call counts against
// its window from the moment it starts until Per (widened by Headroom)
// after its answer arrived, so that however long calls take on the way,
// Meta never sees more than Calls of them within Per.
//
// A call that would exceed a limit waits until it can be sent, as long as
// its context allows, or fails at once with a *RateLimitError (Err nil,
// nothing sent) when FailFast is set or the wait would exceed MaxWait or
// the context's deadline. The zero value means DefaultMessagingLimits.
type MessagingLimits struct {
	Conversations      MessagingLimit
	Send               MessagingLimit
	SendMedia          MessagingLimit
	PrivateReplies     MessagingLimit
	LivePrivateReplies MessagingLimit
	// Headroom widens every window by this fraction of its length, as an
	// extra margin (0, the default, means none; 0.1 counts each send for
	// 1.1 seconds after its answer).
	Headroom float64
	// FailFast makes calls over a limit fail with *RateLimitError instead
	// of waiting.
	FailFast bool
	// MaxWait bounds a wait; a call that would wait longer fails with
	// *RateLimitError. 0 means only the context bounds it.
	MaxWait time.Duration
	// Disabled turns the client-side limits off.
	Disabled bool
}

// DefaultMessagingLimits returns Meta's documented messaging limits with
// the default headroom.
func DefaultMessagingLimits() MessagingLimits {
	return MessagingLimits{
		Conversations:      MessagingLimit{Calls: 2, Per: time.Second},
		Send:               MessagingLimit{Calls: 100, Per: time.Second},
		SendMedia:          MessagingLimit{Calls: 10, Per: time.Second},
		PrivateReplies:     MessagingLimit{Calls: 750, Per: time.Hour},
		LivePrivateReplies: MessagingLimit{Calls: 100, Per: time.Second},
	}
}

// withDefaults fills zero limits with the defaults.
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
	for name, v := range map[string]MessagingLimit{
		"Conversations": l.Conversations, "Send": l.Send, "SendMedia": l.SendMedia,
		"PrivateReplies": l.PrivateReplies, "LivePrivateReplies": l.LivePrivateReplies,
	} {
		if v.Calls >= 0 && (v.Calls == 0 || v.Per <= 0) {
			return fmt.Errorf("instagram: MessagingLimits.%s: need Calls > 0 and Per > 0 (or Calls < 0 for no limit), got %d per %s", name, v.Calls, v.Per)
		}
	}
	if l.MaxWait < 0 {
		return errors.New("instagram: MessagingLimits.MaxWait is negative")
	}
	if l.Headroom < 0 {
		return errors.New("instagram: MessagingLimits.Headroom is negative")
	}
	return nil
}

// SetLimits replaces the client-side messaging limits of the client (the
// Client, not only this service value). Zero fields take their defaults.
// Calls already waiting keep the slot they reserved.
func (s *MessagingService) SetLimits(l MessagingLimits) error {
	l = l.withDefaults()
	if err := l.check(); err != nil {
		return err
	}
	lim := limiterOf(s.client)
	lim.mu.Lock()
	lim.cfg = l
	lim.mu.Unlock()
	return nil
}

// Limits returns the client-side messaging limits in force.
func (s *MessagingService) Limits() MessagingLimits {
	lim := limiterOf(s.client)
	lim.mu.Lock()
	defer lim.mu.Unlock()
	return lim.cfg
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

type limitKey struct {
	cat     msgCategory
	account string
}

// msgLimiter holds the sliding windows of one Client.
type msgLimiter struct {
	now func() time.Time

	mu        sync.Mutex
	cfg       MessagingLimits
	windows   map[limitKey]*slidingWindow
	lastSweep time.Time
}

// slidingWindow holds the calls of one limit that still count, and the
// calls waiting for room, first come first served.
type slidingWindow struct {
	slots   []*slot
	waiters []*waiter
	// changed is closed (and replaced) when a call completes.
	changed chan struct{}
}

// slot is one call: it counts while in flight and for a window's length
// after its answer arrived.
type slot struct {
	done     time.Time
	finished bool
}

// waiter is a call waiting for room; turn is closed when it is first in
// line.
type waiter struct {
	turn chan struct{}
}

func newMsgLimiter() *msgLimiter {
	return &msgLimiter{now: time.Now, cfg: DefaultMessagingLimits(), windows: map[limitKey]*slidingWindow{}}
}

// limiters maps each Client, weakly, to its messaging limiter; the entry
// goes when the Client is collected. Services are shared values of a
// Client, so the state lives here rather than on the service.
var limiters sync.Map // weak.Pointer[Client] -> *msgLimiter

func limiterOf(c *Client) *msgLimiter {
	key := weak.Make(c)
	if v, ok := limiters.Load(key); ok {
		return v.(*msgLimiter)
	}
	v, loaded := limiters.LoadOrStore(key, newMsgLimiter())
	if !loaded {
		runtime.AddCleanup(c, func(k weak.Pointer[Client]) { limiters.Delete(k) }, key)
	}
	return v.(*msgLimiter)
}

func noop() {}

// acquire waits until a call of category cat for account may start and
// returns the function to call once its answer arrived; or it fails with
// *RateLimitError or ctx's error.
//
// A call counts from its start until a window's length after its answer.
// Meta counts a call at some moment between its start and its answer, so
// two calls the limiter lets through more than Calls apart are always more
// than a window apart at Meta, however long the network or Meta took: a
// burst never trips Meta's limit.
func (l *msgLimiter) acquire(ctx context.Context, cat msgCategory, account string) (func(), error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	key := limitKey{cat, account}
	var me *waiter
	l.mu.Lock()
	for {
		cfg := l.cfg
		lim := cfg.of(cat)
		w := l.windows[key]
		if cfg.Disabled || lim.Calls < 0 {
			if w != nil {
				w.leave(me)
			}
			l.mu.Unlock()
			return noop, nil
		}
		if w == nil {
			w = &slidingWindow{changed: make(chan struct{})}
			l.windows[key] = w
		}
		span := lim.Per + time.Duration(float64(lim.Per)*cfg.Headroom)
		now := l.now()
		w.prune(now, span)
		first := len(w.waiters) == 0 || w.waiters[0] == me
		if first && len(w.slots) < lim.Calls {
			s := &slot{}
			w.slots = append(w.slots, s)
			w.leave(me)
			if now.Sub(l.lastSweep) > time.Minute {
				l.lastSweep = now
				l.sweep(now)
			}
			l.mu.Unlock()
			return func() { l.finish(w, s) }, nil
		}
		if me == nil {
			wait := w.estimate(now, span, lim.Calls)
			deadline, hasDeadline := ctx.Deadline()
			if cfg.FailFast || (cfg.MaxWait > 0 && wait > cfg.MaxWait) || (hasDeadline && now.Add(wait).After(deadline)) {
				l.mu.Unlock()
				return nil, &RateLimitError{RetryAfter: wait, BusinessID: account}
			}
			me = &waiter{turn: make(chan struct{})}
			w.waiters = append(w.waiters, me)
			if len(w.waiters) == 1 {
				close(me.turn)
			}
		}
		var (
			turn, changed <-chan struct{}
			timer         *time.Timer
			expiry        <-chan time.Time
		)
		if w.waiters[0] == me {
			// First in line and no room: wait for the oldest finished
			// call to leave the window, or for a call in flight to
			// finish.
			changed = w.changed
			if next, ok := w.nextFree(span); ok {
				timer = time.NewTimer(next.Sub(now))
				expiry = timer.C
			}
		} else {
			turn = me.turn
		}
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			l.mu.Lock()
			if w := l.windows[key]; w != nil {
				w.leave(me)
			}
			l.mu.Unlock()
			return nil, ctx.Err()
		case <-turn:
		case <-changed:
		case <-expiry:
		}
		if timer != nil {
			timer.Stop()
		}
		l.mu.Lock()
	}
}

// finish records the answer of a call.
func (l *msgLimiter) finish(w *slidingWindow, s *slot) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s.finished {
		return
	}
	s.done, s.finished = l.now(), true
	close(w.changed)
	w.changed = make(chan struct{})
}

// leave removes a waiter from the line (nil: none), handing the turn to
// the next one when it was first.
func (w *slidingWindow) leave(me *waiter) {
	if me == nil {
		return
	}
	i := slices.Index(w.waiters, me)
	if i < 0 {
		return
	}
	w.waiters = slices.Delete(w.waiters, i, i+1)
	if i == 0 && len(w.waiters) > 0 {
		close(w.waiters[0].turn)
	}
}

// prune drops finished calls whose window has passed.
func (w *slidingWindow) prune(now time.Time, span time.Duration) {
	w.slots = slices.DeleteFunc(w.slots, func(s *slot) bool {
		return s.finished && !s.done.Add(span).After(now)
	})
}

// nextFree returns when the oldest finished call leaves the window; ok is
// false when every call is still in flight.
func (w *slidingWindow) nextFree(span time.Duration) (time.Time, bool) {
	var next time.Time
	for _, s := range w.slots {
		if s.finished && (next.IsZero() || s.done.Before(next)) {
			next = s.done
		}
	}
	if next.IsZero() {
		return next, false
	}
	return next.Add(span), true
}

// estimate is how long a new call would wait: until room frees up, plus a
// window for every Calls calls already waiting.
func (w *slidingWindow) estimate(now time.Time, span time.Duration, calls int) time.Duration {
	wait := span
	if len(w.slots) < calls {
		wait = 0
	} else if next, ok := w.nextFree(span); ok {
		wait = max(next.Sub(now), 0)
	}
	wait += time.Duration(len(w.waiters)/calls) * span
	if wait <= 0 {
		wait = time.Millisecond
	}
	return wait
}

// sweep removes windows without calls or waiters, so accounts seen once do
// not stay forever. l.mu is held.
func (l *msgLimiter) sweep(now time.Time) {
	for k, w := range l.windows {
		lim := l.cfg.of(k.cat)
		w.prune(now, lim.Per+time.Duration(float64(lim.Per)*l.cfg.Headroom))
		if len(w.slots) == 0 && len(w.waiters) == 0 {
			delete(l.windows, k)
		}
	}
}
