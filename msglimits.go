package instagram

import (
	"context"
	"errors"
	"fmt"
	"runtime"
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
// account (a Client's token acts for one account). Each window is kept as
// the times of the calls it allowed, so no more than Calls calls ever start
// within Per, widened by Headroom.
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
	// Headroom widens every window by this fraction of its length (0 means
	// 0.1, a negative value means none), to absorb the uneven delay between
	// a call leaving the client and reaching Meta: with 0.1, at most 100
	// sends start in any 1.1 seconds.
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
		Headroom:           0.1,
	}
}

// withDefaults fills zero limits and headroom with the defaults.
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
	switch {
	case l.Headroom == 0:
		l.Headroom = d.Headroom
	case l.Headroom < 0:
		l.Headroom = 0
	}
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

// slidingWindow holds the start times of the calls it allowed that may
// still count: past ones within the window and reserved future ones, in
// order.
type slidingWindow struct {
	times []time.Time
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

// acquire waits until a call of category cat for account may start, or
// fails with *RateLimitError or ctx's error.
func (l *msgLimiter) acquire(ctx context.Context, cat msgCategory, account string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	cfg := l.cfg
	lim := cfg.of(cat)
	if cfg.Disabled || lim.Calls < 0 {
		l.mu.Unlock()
		return nil
	}
	span := lim.Per + time.Duration(float64(lim.Per)*cfg.Headroom)
	key := limitKey{cat, account}
	w := l.windows[key]
	if w == nil {
		w = &slidingWindow{}
		l.windows[key] = w
	}
	now := l.now()
	w.prune(now.Add(-span))
	at := now
	if n := len(w.times); n > 0 {
		if last := w.times[n-1]; last.After(at) {
			at = last
		}
		if n >= lim.Calls {
			if free := w.times[n-lim.Calls].Add(span); free.After(at) {
				at = free
			}
		}
	}
	wait := at.Sub(now)
	if wait > 0 {
		deadline, hasDeadline := ctx.Deadline()
		if cfg.FailFast || (cfg.MaxWait > 0 && wait > cfg.MaxWait) || (hasDeadline && at.After(deadline)) {
			l.mu.Unlock()
			return &RateLimitError{RetryAfter: wait, BusinessID: account}
		}
	}
	w.times = append(w.times, at)
	if now.Sub(l.lastSweep) > time.Minute {
		l.lastSweep = now
		l.sweep(now)
	}
	l.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		w.release(at)
		l.mu.Unlock()
		return ctx.Err()
	}
}

// prune drops the times at or before cutoff: they no longer count.
func (w *slidingWindow) prune(cutoff time.Time) {
	i := 0
	for i < len(w.times) && !w.times[i].After(cutoff) {
		i++
	}
	if i > 0 {
		w.times = append(w.times[:0], w.times[i:]...)
	}
}

// release gives back a reserved slot whose call was abandoned. Dropping a
// time only lowers the counts later reservations were checked against.
func (w *slidingWindow) release(at time.Time) {
	for i := len(w.times) - 1; i >= 0; i-- {
		if w.times[i].Equal(at) {
			w.times = append(w.times[:i], w.times[i+1:]...)
			return
		}
	}
}

// sweep removes windows that no longer hold any time, so accounts seen
// once do not stay forever. l.mu is held.
func (l *msgLimiter) sweep(now time.Time) {
	for k, w := range l.windows {
		lim := l.cfg.of(k.cat)
		w.prune(now.Add(-lim.Per - time.Duration(float64(lim.Per)*l.cfg.Headroom)))
		if len(w.times) == 0 {
			delete(l.windows, k)
		}
	}
}
