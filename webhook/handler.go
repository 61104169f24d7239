package webhook

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxBody is the largest delivery body read unless
// ParseOptions.MaxBodyBytes says otherwise. Meta batches up to 1000 updates
// in one delivery.
const DefaultMaxBody = 4 << 20

// DefaultDedupTTL is how long handled events are remembered: Meta retries a
// failed delivery for up to 36 hours.
const DefaultDedupTTL = 36 * time.Hour

// DefaultDedupLease is how long the Handler holds the claim on an event
// while its functions run. Meta expects an answer within seconds; a lease
// that lapses (a crashed replica) lets a later redelivery run the event.
const DefaultDedupLease = 2 * time.Minute

// ParseOptions configure Parse and the Handler.
type ParseOptions struct {
	SignatureOptions
	// MaxBodyBytes is the largest body read (DefaultMaxBody when <= 0);
	// larger deliveries are refused with ErrTooLarge.
	MaxBodyBytes int64
	// MaxEventAge, when > 0, refuses deliveries holding an event older
	// than it (ErrTooOld), so that a recorded delivery cannot be replayed
	// later. The age is taken from the messaging item's timestamp, else
	// the entry time; events without either are not checked. Meta
	// redelivers failed deliveries for up to 36 hours: a shorter maximum
	// drops late redeliveries. Off by default.
	MaxEventAge time.Duration
	// Now is the clock for MaxEventAge (time.Now when nil).
	Now func() time.Time
}

func (o *ParseOptions) maxBody() int64 {
	if o.MaxBodyBytes > 0 {
		return o.MaxBodyBytes
	}
	return DefaultMaxBody
}

func (o *ParseOptions) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Options configure NewHandler. The zero value verifies sha256 signatures,
// reads up to DefaultMaxBody and answers no verification request.
type Options struct {
	ParseOptions
	// VerifyToken is the verify token entered in the App Dashboard (or
	// sent to POST /{app-id}/subscriptions). Verification requests are
	// answered only when it is set and matches.
	VerifyToken string
	// Dedup, when set, makes the Handler run each event's functions once
	// across Meta's redeliveries; see DedupStore.
	Dedup DedupStore
	// DedupTTL is how long handled events are remembered
	// (DefaultDedupTTL when <= 0).
	DedupTTL time.Duration
	// DedupLease is how long a claim is held while functions run
	// (DefaultDedupLease when <= 0).
	DedupLease time.Duration
	// Logger logs refused requests (warn), failed functions and store
	// errors (error), without bodies or secrets. Nothing is logged when
	// nil.
	Logger *slog.Logger
}

// Challenge checks a verification request (hub.mode=subscribe,
// hub.verify_token, hub.challenge) against verifyToken, compared in
// constant time, and returns the challenge to answer with 200. The error
// matches ErrNotVerification or ErrVerifyToken.
//
// Meta API: GET {callback-url}
func Challenge(r *http.Request, verifyToken string) (string, error) {
	q := r.URL.Query()
	if q.Get("hub.mode") != "subscribe" || !q.Has("hub.challenge") {
		return "", ErrNotVerification
	}
	got := q.Get("hub.verify_token")
	if verifyToken == "" || subtle.ConstantTimeCompare([]byte(got), []byte(verifyToken)) != 1 {
		return "", ErrVerifyToken
	}
	return q.Get("hub.challenge"), nil
}

// ParseBody verifies a delivery's X-Hub-Signature-256 value and decodes
// its events, as Decode does. The error matches ErrSignatureMissing,
// ErrSignatureInvalid or ErrMalformed.
//
// Meta API: POST {callback-url}
func ParseBody(body []byte, signature, appSecret string) ([]Event, error) {
	if err := VerifySignature(body, signature, appSecret); err != nil {
		return nil, err
	}
	return Decode(body)
}

// Parse reads a delivery from r (at most opts.MaxBodyBytes), verifies its
// signature with appSecret and decodes its events: for programs with their
// own router. A request without a signature header is refused before its
// body is read. The error matches ErrTooLarge, ErrSignatureMissing,
// ErrSignatureInvalid, ErrMalformed or ErrTooOld; Status maps it to the
// status to answer. Parse does not de-duplicate: use a DedupStore's Claim,
// Commit and Release around your handling.
//
// Meta API: POST {callback-url}
func Parse(r *http.Request, appSecret string, opts ParseOptions) ([]Event, error) {
	if !hasSignature(r.Header, opts.AllowSHA1) {
		return nil, ErrSignatureMissing
	}
	body, err := readBody(r, opts.maxBody())
	if err != nil {
		return nil, err
	}
	if err := VerifyHeader(r.Header, body, appSecret, opts.SignatureOptions); err != nil {
		return nil, err
	}
	events, err := Decode(body)
	if err != nil {
		return nil, err
	}
	if err := checkAge(events, &opts); err != nil {
		return nil, err
	}
	return events, nil
}

// checkAge refuses events older than opts.MaxEventAge.
func checkAge(events []Event, opts *ParseOptions) error {
	if opts.MaxEventAge <= 0 {
		return nil
	}
	oldest := opts.now().Add(-opts.MaxEventAge)
	for _, e := range events {
		t := eventTime(e)
		if !t.IsZero() && t.Before(oldest) {
			return fmt.Errorf("%w: %s event of %s", ErrTooOld, e.Kind(), t.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// eventTime is the messaging timestamp of e, else its entry time.
func eventTime(e Event) time.Time {
	if m, ok := e.(interface{ parties() *MessagingParties }); ok {
		if ts := m.parties().Timestamp; !ts.IsZero() {
			return ts
		}
	}
	return e.Base().Time
}

// Status returns the HTTP status to answer a webhook request with after err
// from Parse, ParseBody or Challenge: 200 for nil, 401, 403, 413 or 400 for
// the errors of this package, 500 for any other error (such as one of your
// own), which makes Meta redeliver.
func Status(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrSignatureMissing):
		return http.StatusUnauthorized
	case errors.Is(err, ErrSignatureInvalid), errors.Is(err, ErrVerifyToken):
		return http.StatusForbidden
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrMalformed), errors.Is(err, ErrNotVerification), errors.Is(err, ErrTooOld):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// readBody reads at most max bytes of the body.
func readBody(r *http.Request, max int64) ([]byte, error) {
	if r.ContentLength > max {
		return nil, ErrTooLarge
	}
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if int64(len(b)) > max {
		return nil, ErrTooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("webhook: reading body: %w", err)
	}
	return b, nil
}

// Handler is an http.Handler for the callback URL of Instagram webhooks.
// Build it with NewHandler, register functions per event kind (OnComment,
// OnMessage, ...) or for every event (OnEvent), and mount it at the path
// given to Meta.
//
// It answers:
//   - GET verification requests: 200 with hub.challenge when the verify
//     token matches (constant-time comparison), 403 when it does not, 400
//     when the request is not a verification;
//   - POST deliveries: 401 without a signature header (before reading the
//     body), 413 over the body limit, 403 with a wrong signature (no
//     function is called for them), 400 when the signed body is not a JSON
//     envelope or holds an event older than MaxEventAge, 500 when a
//     function returned an error or panicked, 409 when another request is
//     handling one of its events (Options.Dedup), 503 when the DedupStore
//     failed, 200 otherwise;
//   - other methods: 405.
//
// Functions run before the answer is sent, in delivery order, on the
// request's goroutine with its context. Meta expects an answer within a
// few seconds and treats slow or failed answers as failures: keep functions
// short (hand slow work to a queue). A function's error makes the handler
// answer 500 without running the remaining events; Meta then redelivers
// the whole delivery, immediately and then less and less often for up to 36
// hours, so events may arrive more than once: set Options.Dedup (or make
// the functions idempotent). A panic of http.ErrAbortHandler is passed on
// (after releasing the event's claim); other panics answer 500.
// Registering functions while serving is safe.
type Handler struct {
	appSecret string
	opts      Options
	logger    *slog.Logger
	holder    string
	seq       atomic.Uint64

	mu    sync.RWMutex
	kinds map[EventKind]func(context.Context, Event) error
	all   func(context.Context, Event) error
}

// NewHandler returns a handler that verifies deliveries with the app secret
// (the secret of the app the webhooks are subscribed for).
//
// Meta API: GET {callback-url}
// Meta API: POST {callback-url}
func NewHandler(appSecret string, opts Options) *Handler {
	if opts.DedupTTL <= 0 {
		opts.DedupTTL = DefaultDedupTTL
	}
	if opts.DedupLease <= 0 {
		opts.DedupLease = DefaultDedupLease
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	return &Handler{
		appSecret: appSecret,
		opts:      opts,
		logger:    logger,
		holder:    hex.EncodeToString(id[:]),
		kinds:     map[EventKind]func(context.Context, Event) error{},
	}
}

// Handle registers fn for events of kind, replacing an earlier one. A nil
// fn removes it.
func (h *Handler) Handle(kind EventKind, fn func(context.Context, Event) error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if fn == nil {
		delete(h.kinds, kind)
		return
	}
	h.kinds[kind] = fn
}

// OnEvent registers fn for every event, called after the function of the
// event's kind, if any.
func (h *Handler) OnEvent(fn func(context.Context, Event) error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.all = fn
}

// on adapts a typed function to Handle.
func on[T Event](h *Handler, kind EventKind, fn func(context.Context, T) error) {
	if fn == nil {
		h.Handle(kind, nil)
		return
	}
	h.Handle(kind, func(ctx context.Context, e Event) error {
		t, ok := e.(T)
		if !ok {
			return nil
		}
		return fn(ctx, t)
	})
}

// OnComment registers fn for comments and replies (EventComment).
func (h *Handler) OnComment(fn func(context.Context, *CommentEvent) error) {
	on(h, EventComment, fn)
}

// OnLiveComment registers fn for comments on live broadcasts
// (EventLiveComment).
func (h *Handler) OnLiveComment(fn func(context.Context, *CommentEvent) error) {
	on(h, EventLiveComment, fn)
}

// OnMention registers fn for @mentions (EventMention).
func (h *Handler) OnMention(fn func(context.Context, *MentionEvent) error) {
	on(h, EventMention, fn)
}

// OnStoryInsights registers fn for story metrics (EventStoryInsights).
func (h *Handler) OnStoryInsights(fn func(context.Context, *StoryInsightsEvent) error) {
	on(h, EventStoryInsights, fn)
}

// OnMessage registers fn for messages received (EventMessage).
func (h *Handler) OnMessage(fn func(context.Context, *MessageEvent) error) {
	on(h, EventMessage, fn)
}

// OnMessageEcho registers fn for messages the account sent
// (EventMessageEcho).
func (h *Handler) OnMessageEcho(fn func(context.Context, *MessageEvent) error) {
	on(h, EventMessageEcho, fn)
}

// OnMessageEdit registers fn for message edits (EventMessageEdit).
func (h *Handler) OnMessageEdit(fn func(context.Context, *MessageEditEvent) error) {
	on(h, EventMessageEdit, fn)
}

// OnReaction registers fn for reactions (EventReaction).
func (h *Handler) OnReaction(fn func(context.Context, *ReactionEvent) error) {
	on(h, EventReaction, fn)
}

// OnPostback registers fn for postbacks (EventPostback).
func (h *Handler) OnPostback(fn func(context.Context, *PostbackEvent) error) {
	on(h, EventPostback, fn)
}

// OnOptin registers fn for opt-ins (EventOptin).
func (h *Handler) OnOptin(fn func(context.Context, *OptinEvent) error) {
	on(h, EventOptin, fn)
}

// OnReferral registers fn for referrals (EventReferral).
func (h *Handler) OnReferral(fn func(context.Context, *ReferralEvent) error) {
	on(h, EventReferral, fn)
}

// OnSeen registers fn for read receipts (EventSeen).
func (h *Handler) OnSeen(fn func(context.Context, *SeenEvent) error) {
	on(h, EventSeen, fn)
}

// OnHandover registers fn for changes of the app in control of a
// conversation (EventHandover).
func (h *Handler) OnHandover(fn func(context.Context, *HandoverEvent) error) {
	on(h, EventHandover, fn)
}

// OnUnknown registers fn for events without a type (EventUnknown).
func (h *Handler) OnUnknown(fn func(context.Context, *UnknownEvent) error) {
	on(h, EventUnknown, fn)
}

// ServeHTTP answers verification requests and deliveries; see Handler for
// the statuses.
//
// Meta API: GET {callback-url}
// Meta API: POST {callback-url}
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		h.serveVerification(w, r)
	case http.MethodPost:
		h.serveDelivery(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	}
}

func (h *Handler) serveVerification(w http.ResponseWriter, r *http.Request) {
	challenge, err := Challenge(r, h.opts.VerifyToken)
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, challenge)
}

func (h *Handler) serveDelivery(w http.ResponseWriter, r *http.Request) {
	events, err := Parse(r, h.appSecret, h.opts.ParseOptions)
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	if err := h.dispatch(r.Context(), events); err != nil {
		status := http.StatusInternalServerError
		var de *dedupError
		switch {
		case errors.Is(err, errInProgress):
			status = http.StatusConflict
			h.logger.LogAttrs(r.Context(), slog.LevelWarn, "webhook: event in progress elsewhere", slog.String("error", err.Error()))
		case errors.As(err, &de):
			status = http.StatusServiceUnavailable
			h.logger.LogAttrs(r.Context(), slog.LevelError, "webhook: dedup store failed", slog.String("error", err.Error()))
		default:
			h.logger.LogAttrs(r.Context(), slog.LevelError, "webhook: handler failed", slog.String("error", err.Error()))
		}
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "EVENT_RECEIVED")
}

// refuse answers a request that failed verification.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, err error) {
	status := Status(err)
	if status >= 500 {
		h.logger.LogAttrs(r.Context(), slog.LevelError, "webhook: request failed", slog.String("error", err.Error()))
	} else {
		h.logger.LogAttrs(r.Context(), slog.LevelWarn, "webhook: request refused",
			slog.String("method", r.Method), slog.Int("status", status), slog.String("reason", err.Error()))
	}
	http.Error(w, http.StatusText(status), status)
}

// errInProgress: another holder's claim on an event is live.
var errInProgress = errors.New("webhook: event being handled by another request")

// dedupError is a failure of the DedupStore.
type dedupError struct{ err error }

func (e *dedupError) Error() string { return "webhook: dedup store: " + e.err.Error() }
func (e *dedupError) Unwrap() error { return e.err }

// errAbort marks a callback's http.ErrAbortHandler panic.
var errAbort = errors.New("webhook: handler aborted")

// dispatch runs the registered functions for each event in order, stopping
// at the first error. With a DedupStore, each event is claimed first,
// committed after its functions succeed and released when they fail.
func (h *Handler) dispatch(ctx context.Context, events []Event) error {
	h.mu.RLock()
	all := h.all
	h.mu.RUnlock()
	store := h.opts.Dedup
	holder := ""
	if store != nil {
		holder = h.holder + "-" + strconv.FormatUint(h.seq.Add(1), 36)
	}
	for _, e := range events {
		h.mu.RLock()
		fn := h.kinds[e.Kind()]
		h.mu.RUnlock()
		if fn == nil && all == nil {
			continue
		}
		key := ""
		if store != nil {
			key = e.DedupKey()
			res, err := store.Claim(ctx, key, holder, h.opts.DedupLease)
			if err != nil {
				return &dedupError{fmt.Errorf("claim %s: %w", key, err)}
			}
			switch res {
			case AlreadyHandled:
				continue
			case InProgress:
				return fmt.Errorf("%w: %s", errInProgress, key)
			case Claimed:
			default:
				return &dedupError{fmt.Errorf("claim %s: unknown result %d", key, res)}
			}
		}
		err := runEvent(ctx, e, fn, all)
		if store == nil {
			if errors.Is(err, errAbort) {
				panic(http.ErrAbortHandler)
			}
			if err != nil {
				return fmt.Errorf("%s event: %w", e.Kind(), err)
			}
			continue
		}
		bg := context.WithoutCancel(ctx)
		if err != nil {
			if rerr := store.Release(bg, key, holder); rerr != nil {
				h.logger.LogAttrs(ctx, slog.LevelError, "webhook: dedup store release failed",
					slog.String("key", key), slog.String("error", rerr.Error()))
			}
			if errors.Is(err, errAbort) {
				panic(http.ErrAbortHandler)
			}
			return fmt.Errorf("%s event: %w", e.Kind(), err)
		}
		if cerr := store.Commit(bg, key, holder, h.opts.DedupTTL); cerr != nil {
			// The functions ran: answering 200 loses nothing. The claim
			// lapses with its lease; a later redelivery may run it again.
			h.logger.LogAttrs(ctx, slog.LevelError, "webhook: dedup store commit failed",
				slog.String("key", key), slog.String("error", cerr.Error()))
		}
	}
	return nil
}

// runEvent calls the kind's function, then the catch-all one, turning a
// panic into an error (errAbort for http.ErrAbortHandler).
func runEvent(ctx context.Context, e Event, fn, all func(context.Context, Event) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				err = errAbort
				return
			}
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	if fn != nil {
		if err := fn(ctx, e); err != nil {
			return err
		}
	}
	if all != nil {
		return all(ctx, e)
	}
	return nil
}
