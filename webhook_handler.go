package instagram

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// DefaultMaxWebhookBody is the largest delivery body a webhook handler
// reads unless WithMaxBodyBytes says otherwise. Meta batches up to 1000
// updates in one delivery.
const DefaultMaxWebhookBody = 4 << 20

// Webhook header names.
const (
	// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the raw
	// body keyed with the app secret.
	SignatureHeader = "X-Hub-Signature-256"
	// LegacySignatureHeader carries "sha1=" and the hex HMAC-SHA1 of the
	// body; it is checked only with WithSHA1Signatures.
	LegacySignatureHeader = "X-Hub-Signature"
)

// Errors of webhook verification. The handler answers them with the status
// given; ParseWebhook and ParseWebhookBody return them (wrapped).
var (
	// ErrSignatureMissing: the delivery carries no signature (401).
	ErrSignatureMissing = errors.New("instagram: webhook signature missing")
	// ErrSignatureInvalid: the signature does not match the body (403).
	ErrSignatureInvalid = errors.New("instagram: webhook signature invalid")
	// ErrWebhookTooLarge: the body is over the size limit (413).
	ErrWebhookTooLarge = errors.New("instagram: webhook body too large")
	// ErrVerifyToken: a verification request carries the wrong verify
	// token (403).
	ErrVerifyToken = errors.New("instagram: webhook verify token mismatch")
	// ErrNotVerification: a GET that is not a subscription verification
	// (400).
	ErrNotVerification = errors.New("instagram: not a webhook verification request")
)

// WebhookOption configures NewWebhookHandler, ParseWebhook and
// ParseWebhookBody.
type WebhookOption func(*webhookConfig)

type webhookConfig struct {
	verifyToken string
	maxBody     int64
	allowSHA1   bool
	dedup       DedupStore
	dedupTTL    time.Duration
	logger      *slog.Logger
}

func newWebhookConfig(opts []WebhookOption) webhookConfig {
	cfg := webhookConfig{maxBody: DefaultMaxWebhookBody, dedupTTL: DefaultDedupTTL}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// WithVerifyToken sets the verify token entered in the App Dashboard (or
// sent to POST /{app-id}/subscriptions). The handler answers verification
// requests only when it is set and matches.
func WithVerifyToken(token string) WebhookOption {
	return func(c *webhookConfig) { c.verifyToken = token }
}

// WithMaxBodyBytes sets the largest body read (default
// DefaultMaxWebhookBody); larger deliveries are refused with 413. n <= 0
// keeps the default.
func WithMaxBodyBytes(n int64) WebhookOption {
	return func(c *webhookConfig) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithSHA1Signatures accepts deliveries signed only with the legacy sha1
// X-Hub-Signature header. Off by default: X-Hub-Signature-256 is required.
// When both headers are present, only the sha256 one is checked.
func WithSHA1Signatures(allow bool) WebhookOption {
	return func(c *webhookConfig) { c.allowSHA1 = allow }
}

// WithDedup drops events already handled, by their DedupKey, remembered in
// store for ttl (DefaultDedupTTL when ttl <= 0). An event whose handler
// fails is forgotten again, so that Meta's redelivery runs it once more.
// It applies to the handler only; ParseWebhook users call FilterDuplicates.
func WithDedup(store DedupStore, ttl time.Duration) WebhookOption {
	return func(c *webhookConfig) {
		c.dedup = store
		if ttl > 0 {
			c.dedupTTL = ttl
		}
	}
}

// WithWebhookLogger logs refused requests (warn) and failed handlers
// (error), without bodies or secrets.
func WithWebhookLogger(l *slog.Logger) WebhookOption {
	return func(c *webhookConfig) { c.logger = l }
}

// WebhookChallenge checks a verification request (hub.mode=subscribe,
// hub.verify_token, hub.challenge) against verifyToken, compared in
// constant time, and returns the challenge to answer with 200. The error
// matches ErrNotVerification or ErrVerifyToken.
//
// Meta API: GET {callback-url}
func WebhookChallenge(r *http.Request, verifyToken string) (string, error) {
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

// VerifyWebhookSignature checks a signature header value against body:
// "sha256=<hex>" (X-Hub-Signature-256) or, when allowSHA1 is true,
// "sha1=<hex>" (X-Hub-Signature). The hex must be lowercase, as Meta sends
// it; the comparison takes constant time. The error matches
// ErrSignatureMissing or ErrSignatureInvalid.
func VerifyWebhookSignature(body []byte, signature, appSecret string, allowSHA1 bool) error {
	if signature == "" {
		return ErrSignatureMissing
	}
	if appSecret == "" {
		return fmt.Errorf("%w: no app secret configured", ErrSignatureInvalid)
	}
	var (
		prefix string
		h      func() hash.Hash
	)
	switch {
	case len(signature) > 7 && signature[:7] == "sha256=":
		prefix, h = "sha256=", sha256.New
	case allowSHA1 && len(signature) > 5 && signature[:5] == "sha1=":
		prefix, h = "sha1=", sha1.New
	default:
		return ErrSignatureInvalid
	}
	m := hmac.New(h, []byte(appSecret))
	m.Write(body)
	var sum [sha256.Size]byte
	mac := m.Sum(sum[:0])
	var want [len("sha256=") + 2*sha256.Size]byte
	n := copy(want[:], prefix)
	hex.Encode(want[n:], mac)
	if subtle.ConstantTimeCompare([]byte(signature), want[:n+2*len(mac)]) != 1 {
		return ErrSignatureInvalid
	}
	return nil
}

// SignWebhook returns the X-Hub-Signature-256 value Meta would send for body:
// "sha256=" and the hex HMAC-SHA256 keyed with appSecret. Tests and relays
// use it.
func SignWebhook(body []byte, appSecret string) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// ParseWebhookBody verifies a delivery's signature (the value of
// X-Hub-Signature-256, or of X-Hub-Signature with WithSHA1Signatures) and
// decodes its events, as DecodeWebhook does. The error matches
// ErrSignatureMissing, ErrSignatureInvalid or ErrMalformedWebhook.
//
// Meta API: POST {callback-url}
func ParseWebhookBody(body []byte, signature, appSecret string, opts ...WebhookOption) ([]WebhookEvent, error) {
	cfg := newWebhookConfig(opts)
	if err := VerifyWebhookSignature(body, signature, appSecret, cfg.allowSHA1); err != nil {
		return nil, err
	}
	return DecodeWebhook(body)
}

// ParseWebhook reads a delivery from r (at most the WithMaxBodyBytes
// limit), verifies its signature with appSecret and decodes its events: for
// programs with their own router. The error matches ErrWebhookTooLarge,
// ErrSignatureMissing, ErrSignatureInvalid or ErrMalformedWebhook;
// WebhookStatus maps it to the status to answer.
//
// Meta API: POST {callback-url}
func ParseWebhook(r *http.Request, appSecret string, opts ...WebhookOption) ([]WebhookEvent, error) {
	cfg := newWebhookConfig(opts)
	body, err := readWebhookBody(r, cfg.maxBody)
	if err != nil {
		return nil, err
	}
	if err := VerifyWebhookSignature(body, signatureOf(r, cfg.allowSHA1), appSecret, cfg.allowSHA1); err != nil {
		return nil, err
	}
	return DecodeWebhook(body)
}

// WebhookStatus returns the HTTP status to answer a webhook request with
// after err from ParseWebhook, ParseWebhookBody or WebhookChallenge: 200
// for nil, 401, 403, 413 or 400 for the errors of this package, 500 for
// any other error (such as one of your own), which makes Meta redeliver.
func WebhookStatus(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrSignatureMissing):
		return http.StatusUnauthorized
	case errors.Is(err, ErrSignatureInvalid), errors.Is(err, ErrVerifyToken):
		return http.StatusForbidden
	case errors.Is(err, ErrWebhookTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrMalformedWebhook), errors.Is(err, ErrNotVerification):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// signatureOf picks the signature header to check: X-Hub-Signature-256,
// else X-Hub-Signature when sha1 is allowed.
func signatureOf(r *http.Request, allowSHA1 bool) string {
	if s := r.Header.Get(SignatureHeader); s != "" {
		return s
	}
	if allowSHA1 {
		return r.Header.Get(LegacySignatureHeader)
	}
	return ""
}

// readWebhookBody reads at most max bytes of the body.
func readWebhookBody(r *http.Request, max int64) ([]byte, error) {
	if r.ContentLength > max {
		return nil, ErrWebhookTooLarge
	}
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if int64(len(b)) > max {
		return nil, ErrWebhookTooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("instagram: reading webhook body: %w", err)
	}
	return b, nil
}

// WebhookHandler is an http.Handler for the callback URL of Instagram
// webhooks. Build it with NewWebhookHandler, register functions per event
// kind (OnComment, OnMessage, ...) or for every event (OnEvent), and mount
// it at the path given to Meta.
//
// It answers:
//   - GET verification requests: 200 with hub.challenge when the verify
//     token matches (constant-time comparison), 403 when it does not, 400
//     when the request is not a verification;
//   - POST deliveries: 413 over the body limit, 401 without a signature,
//     403 with a wrong one (no function is called for them), 400 when the
//     signed body is not a JSON envelope, 500 when a function returned an
//     error or panicked, 200 otherwise;
//   - other methods: 405.
//
// Functions run before the answer is sent, in delivery order, on the
// request's goroutine with its context. Meta expects an answer within a
// few seconds and treats slow or failed answers as failures: keep functions
// short (hand slow work to a queue). A function's error makes the handler
// answer 500 without running the remaining events; Meta then redelivers
// the whole delivery, immediately and then less and less often for up to 36
// hours, so events may arrive more than once: use WithDedup (or make the
// functions idempotent). Registering functions while serving is safe.
type WebhookHandler struct {
	appSecret string
	cfg       webhookConfig

	mu    sync.RWMutex
	kinds map[EventKind]func(context.Context, WebhookEvent) error
	all   func(context.Context, WebhookEvent) error
}

// NewWebhookHandler returns a handler that verifies deliveries with the
// app secret (the secret of the app the webhooks are subscribed for).
//
// Meta API: GET {callback-url}
// Meta API: POST {callback-url}
func NewWebhookHandler(appSecret string, opts ...WebhookOption) *WebhookHandler {
	return &WebhookHandler{
		appSecret: appSecret,
		cfg:       newWebhookConfig(opts),
		kinds:     map[EventKind]func(context.Context, WebhookEvent) error{},
	}
}

// Handle registers fn for events of kind, replacing an earlier one. A nil
// fn removes it.
func (h *WebhookHandler) Handle(kind EventKind, fn func(context.Context, WebhookEvent) error) {
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
func (h *WebhookHandler) OnEvent(fn func(context.Context, WebhookEvent) error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.all = fn
}

// on adapts a typed function to Handle.
func on[T WebhookEvent](h *WebhookHandler, kind EventKind, fn func(context.Context, T) error) {
	if fn == nil {
		h.Handle(kind, nil)
		return
	}
	h.Handle(kind, func(ctx context.Context, e WebhookEvent) error {
		t, ok := e.(T)
		if !ok {
			return nil
		}
		return fn(ctx, t)
	})
}

// OnComment registers fn for comments and replies (EventComment).
func (h *WebhookHandler) OnComment(fn func(context.Context, *CommentEvent) error) {
	on(h, EventComment, fn)
}

// OnLiveComment registers fn for comments on live broadcasts
// (EventLiveComment).
func (h *WebhookHandler) OnLiveComment(fn func(context.Context, *CommentEvent) error) {
	on(h, EventLiveComment, fn)
}

// OnMention registers fn for @mentions (EventMention).
func (h *WebhookHandler) OnMention(fn func(context.Context, *MentionEvent) error) {
	on(h, EventMention, fn)
}

// OnStoryInsights registers fn for story metrics (EventStoryInsights).
func (h *WebhookHandler) OnStoryInsights(fn func(context.Context, *StoryInsightsEvent) error) {
	on(h, EventStoryInsights, fn)
}

// OnMessage registers fn for messages received (EventMessage).
func (h *WebhookHandler) OnMessage(fn func(context.Context, *MessageEvent) error) {
	on(h, EventMessage, fn)
}

// OnMessageEcho registers fn for messages the account sent
// (EventMessageEcho).
func (h *WebhookHandler) OnMessageEcho(fn func(context.Context, *MessageEvent) error) {
	on(h, EventMessageEcho, fn)
}

// OnMessageEdit registers fn for message edits (EventMessageEdit).
func (h *WebhookHandler) OnMessageEdit(fn func(context.Context, *MessageEditEvent) error) {
	on(h, EventMessageEdit, fn)
}

// OnReaction registers fn for reactions (EventReaction).
func (h *WebhookHandler) OnReaction(fn func(context.Context, *ReactionEvent) error) {
	on(h, EventReaction, fn)
}

// OnPostback registers fn for postbacks (EventPostback).
func (h *WebhookHandler) OnPostback(fn func(context.Context, *PostbackEvent) error) {
	on(h, EventPostback, fn)
}

// OnOptin registers fn for opt-ins (EventOptin).
func (h *WebhookHandler) OnOptin(fn func(context.Context, *OptinEvent) error) {
	on(h, EventOptin, fn)
}

// OnReferral registers fn for referrals (EventReferral).
func (h *WebhookHandler) OnReferral(fn func(context.Context, *ReferralEvent) error) {
	on(h, EventReferral, fn)
}

// OnSeen registers fn for read receipts (EventSeen).
func (h *WebhookHandler) OnSeen(fn func(context.Context, *SeenEvent) error) {
	on(h, EventSeen, fn)
}

// OnUnknown registers fn for events without a type (EventUnknown).
func (h *WebhookHandler) OnUnknown(fn func(context.Context, *UnknownEvent) error) {
	on(h, EventUnknown, fn)
}

// ServeHTTP answers verification requests and deliveries; see
// WebhookHandler for the statuses.
//
// Meta API: GET {callback-url}
// Meta API: POST {callback-url}
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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

func (h *WebhookHandler) serveVerification(w http.ResponseWriter, r *http.Request) {
	challenge, err := WebhookChallenge(r, h.cfg.verifyToken)
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, challenge)
}

func (h *WebhookHandler) serveDelivery(w http.ResponseWriter, r *http.Request) {
	body, err := readWebhookBody(r, h.cfg.maxBody)
	if err == nil {
		err = VerifyWebhookSignature(body, signatureOf(r, h.cfg.allowSHA1), h.appSecret, h.cfg.allowSHA1)
	}
	var events []WebhookEvent
	if err == nil {
		events, err = DecodeWebhook(body)
	}
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	if err := h.dispatch(r.Context(), events); err != nil {
		h.cfg.logger.LogAttrs(r.Context(), slog.LevelError, "instagram: webhook handler failed", slog.String("error", err.Error()))
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "EVENT_RECEIVED")
}

// refuse answers a request that failed verification.
func (h *WebhookHandler) refuse(w http.ResponseWriter, r *http.Request, err error) {
	status := WebhookStatus(err)
	if status >= 500 {
		h.cfg.logger.LogAttrs(r.Context(), slog.LevelError, "instagram: webhook request failed", slog.String("error", err.Error()))
	} else {
		h.cfg.logger.LogAttrs(r.Context(), slog.LevelWarn, "instagram: webhook request refused",
			slog.String("method", r.Method), slog.Int("status", status), slog.String("reason", err.Error()))
	}
	http.Error(w, http.StatusText(status), status)
}

// dispatch runs the registered functions for each event in order, stopping
// at the first error.
func (h *WebhookHandler) dispatch(ctx context.Context, events []WebhookEvent) error {
	h.mu.RLock()
	all := h.all
	h.mu.RUnlock()
	for _, e := range events {
		h.mu.RLock()
		fn := h.kinds[e.Kind()]
		h.mu.RUnlock()
		if fn == nil && all == nil {
			continue
		}
		key := ""
		if h.cfg.dedup != nil {
			key = e.DedupKey()
			seen, err := h.cfg.dedup.MarkSeen(ctx, key, h.cfg.dedupTTL)
			if err != nil {
				return fmt.Errorf("instagram: webhook dedup store: %w", err)
			}
			if seen {
				continue
			}
		}
		if err := runEvent(ctx, e, fn, all); err != nil {
			if key != "" {
				// Forget the event so that the redelivery runs it again.
				_ = h.cfg.dedup.Forget(context.WithoutCancel(ctx), key)
			}
			return fmt.Errorf("%s event: %w", e.Kind(), err)
		}
	}
	return nil
}

// runEvent calls the kind's function, then the catch-all one, turning a
// panic into an error.
func runEvent(ctx context.Context, e WebhookEvent, fn, all func(context.Context, WebhookEvent) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
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
