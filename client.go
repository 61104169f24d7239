// Package instagram is a typed client for Instagram's APIs: the Instagram API
// with Instagram Login (graph.instagram.com) and the Instagram Graph API with
// Facebook Login (graph.facebook.com).
//
// A program holds one *Client, built with NewClient, and reaches the API
// through its services (Users, Media, Comments, Tags, Messaging, ...). Every
// call goes through one pipeline: a versioned URL, the query encoded from a
// typed options struct, the access token in the Authorization header, an
// optional appsecret_proof, a transport that tracks Meta's rate-limit usage
// headers, typed errors for every non-2xx answer and bounded retries for
// transient failures of idempotent requests.
//
// A Client is safe for concurrent use by many goroutines.
package instagram

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/go-querystring/query"
	"golang.org/x/oauth2"
)

// Version is the version of this SDK, sent in the default User-Agent.
const Version = "0.1.0"

// DefaultAPIVersion is the Graph API version used when WithAPIVersion is not
// given. It is the version Meta's Instagram documentation uses.
const DefaultAPIVersion = "v25.0"

// Base URLs of the two Graph hosts and of the resumable upload host.
const (
	InstagramGraphURL = "https://graph.instagram.com"
	FacebookGraphURL  = "https://graph.facebook.com"
	DefaultUploadURL  = "https://rupload.facebook.com"
)

// Platform selects which of Meta's two Instagram APIs a Client talks to.
type Platform int

const (
	// InstagramLogin is the Instagram API with Instagram Login, served on
	// graph.instagram.com with Instagram user tokens. It is the default.
	InstagramLogin Platform = iota
	// FacebookLogin is the Instagram Graph API with Facebook Login, served on
	// graph.facebook.com with Facebook user or Page tokens.
	FacebookLogin
)

// String returns the platform's name.
func (p Platform) String() string {
	switch p {
	case InstagramLogin:
		return "instagram-login"
	case FacebookLogin:
		return "facebook-login"
	}
	return fmt.Sprintf("Platform(%d)", int(p))
}

// Client talks to one of Meta's Instagram APIs. Build it with NewClient.
type Client struct {
	httpClient *http.Client
	tokens     oauth2.TokenSource
	baseURL    *url.URL
	uploadURL  *url.URL
	version    string
	platform   Platform
	appSecret  string
	userAgent  string
	retry      RetryPolicy
	limits     *rateTracker
	logger     *slog.Logger
	maxPages   int

	proof atomic.Pointer[proofCache]

	common service

	// Users reads profiles and the edges hanging off an account.
	Users *UsersService
	// Media reads and manages media objects and publishes new ones.
	Media *MediaService
	// Comments reads and moderates comments.
	Comments *CommentsService
	// Tags searches hashtags and reads their media.
	Tags *TagsService
	// Messaging sends and reads direct messages.
	Messaging *MessagingService
	// Insights reads account and media metrics.
	Insights *InsightsService
	// Shopping reads catalogs and product tags.
	Shopping *ShoppingService
	// Webhooks manages webhook subscriptions of accounts and apps.
	Webhooks *WebhooksService
	// Auth inspects tokens and finds the accounts behind them.
	Auth *AuthService
}

// service is embedded by every per-resource service.
type service struct {
	client *Client
}

// config collects options before NewClient validates them.
type config struct {
	token      string
	tokenSet   bool
	tokens     oauth2.TokenSource
	httpClient *http.Client
	baseURL    string
	uploadURL  string
	version    string
	platform   Platform
	appSecret  string
	userAgent  string
	retry      RetryPolicy
	rate       RateLimitPolicy
	logger     *slog.Logger
	maxPages   int
}

// Option configures a Client in NewClient.
type Option func(*config) error

// WithAccessToken authenticates every call with a fixed access token. Use
// WithTokenSource for tokens that are refreshed.
func WithAccessToken(token string) Option {
	return func(c *config) error {
		if strings.TrimSpace(token) == "" {
			return errors.New("instagram: WithAccessToken: empty token")
		}
		c.token, c.tokenSet = token, true
		return nil
	}
}

// WithTokenSource authenticates every call with a token from ts, asked for
// each request so that refreshed tokens are picked up.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if ts == nil || isNilInterface(ts) {
			return errors.New("instagram: WithTokenSource: nil token source")
		}
		c.tokens = ts
		return nil
	}
}

// WithHTTPClient sends requests through hc instead of a default client. The
// SDK wraps hc's transport with its rate-limit tracking; hc itself is not
// modified.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("instagram: WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithBaseURL overrides the Graph host (scheme and host, optionally a path
// prefix); the SDK adds the API version. Use it for proxies and for the fake
// server in package instagramtest.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		c.baseURL = rawURL
		return nil
	}
}

// WithUploadURL overrides the resumable upload host (default
// https://rupload.facebook.com).
func WithUploadURL(rawURL string) Option {
	return func(c *config) error {
		c.uploadURL = rawURL
		return nil
	}
}

var versionRE = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,2}$`)

// WithAPIVersion selects the Graph API version, of the form "v25.0".
func WithAPIVersion(v string) Option {
	return func(c *config) error {
		if !versionRE.MatchString(v) {
			return fmt.Errorf("instagram: WithAPIVersion: %q is not of the form vNN.N", v)
		}
		c.version = v
		return nil
	}
}

// WithPlatform selects Instagram Login (graph.instagram.com, the default) or
// Facebook Login (graph.facebook.com).
func WithPlatform(p Platform) Option {
	return func(c *config) error {
		if p != InstagramLogin && p != FacebookLogin {
			return fmt.Errorf("instagram: WithPlatform: unknown platform %d", int(p))
		}
		c.platform = p
		return nil
	}
}

// WithAppSecret adds appsecret_proof, the HMAC-SHA256 of the access token
// keyed with the app secret, to every call. Apps with "Require App Secret"
// turned on need it.
func WithAppSecret(secret string) Option {
	return func(c *config) error {
		if secret == "" {
			return errors.New("instagram: WithAppSecret: empty secret")
		}
		c.appSecret = secret
		return nil
	}
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		c.userAgent = ua
		return nil
	}
}

// WithRetryPolicy sets how transient failures are retried. Zero fields take
// their defaults; negative values are an error.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 {
			return errors.New("instagram: WithRetryPolicy: negative value")
		}
		c.retry = p
		return nil
	}
}

// WithRateLimitPolicy sets how the client reacts to exhausted rate-limit
// budgets before sending a request.
func WithRateLimitPolicy(p RateLimitPolicy) Option {
	return func(c *config) error {
		if p.Threshold < 0 || p.Threshold > 100 || p.MaxWait < 0 || p.Cooldown < 0 {
			return errors.New("instagram: WithRateLimitPolicy: threshold must be within 0-100 and durations non-negative")
		}
		c.rate = p
		return nil
	}
}

// WithLogger logs one debug line per request (method, path, status,
// duration; never tokens or query strings) and retries at info level.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("instagram: WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// NewClient returns a Client configured by opts. It fails, never panics, on
// invalid options.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{version: DefaultAPIVersion}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.tokenSet && cfg.tokens != nil {
		return nil, errors.New("instagram: give WithAccessToken or WithTokenSource, not both")
	}
	c := &Client{
		version:   cfg.version,
		platform:  cfg.platform,
		appSecret: cfg.appSecret,
		userAgent: cfg.userAgent,
		retry:     cfg.retry.withDefaults(),
		logger:    cfg.logger,
		maxPages:  cfg.maxPages,
	}
	switch {
	case cfg.tokens != nil:
		c.tokens = cfg.tokens
	case cfg.tokenSet:
		c.tokens = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: cfg.token, TokenType: "Bearer"})
	}
	if c.userAgent == "" {
		c.userAgent = "instagram-go/" + Version
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	base := cfg.baseURL
	if base == "" {
		base = InstagramGraphURL
		if cfg.platform == FacebookLogin {
			base = FacebookGraphURL
		}
	}
	var err error
	if c.baseURL, err = parseBaseURL(base); err != nil {
		return nil, fmt.Errorf("instagram: WithBaseURL: %w", err)
	}
	up := cfg.uploadURL
	if up == "" {
		up = DefaultUploadURL
	}
	if c.uploadURL, err = parseBaseURL(up); err != nil {
		return nil, fmt.Errorf("instagram: WithUploadURL: %w", err)
	}
	c.limits = newRateTracker(cfg.rate)
	hc := cfg.httpClient
	if hc == nil {
		hc = defaultHTTPClient()
	}
	c.httpClient = c.limits.wrapClient(hc, c.baseURL.Path+"/"+c.version+"/")

	c.common.client = c
	c.Users = (*UsersService)(&c.common)
	c.Media = (*MediaService)(&c.common)
	c.Comments = (*CommentsService)(&c.common)
	c.Tags = (*TagsService)(&c.common)
	c.Messaging = (*MessagingService)(&c.common)
	c.Insights = (*InsightsService)(&c.common)
	c.Shopping = (*ShoppingService)(&c.common)
	c.Webhooks = (*WebhooksService)(&c.common)
	c.Auth = (*AuthService)(&c.common)
	return c, nil
}

// defaultHTTPClient bounds connecting and waiting for an answer's headers,
// not the whole exchange: a resumable upload may stream for a long time.
// Whole calls are bounded by the ctx each method takes.
func defaultHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 2 * time.Minute
	tr.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: tr}
}

func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("unparsable URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("scheme must be http or https, got %q", u.Scheme)
	}
	if u.Host == "" {
		return nil, errors.New("URL has no host")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("URL must not carry a query or fragment")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isNilInterface(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Interface, reflect.Chan:
		return rv.IsNil()
	}
	return false
}

// Platform reports which API the client talks to.
func (c *Client) Platform() Platform { return c.platform }

// APIVersion reports the Graph API version in the client's paths.
func (c *Client) APIVersion() string { return c.version }

// BaseURL returns the Graph host the client sends to, without the version.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// Usage returns the latest rate-limit usage the client has seen, per app and
// per business object.
func (c *Client) Usage() Usage { return c.limits.snapshot() }

// Response describes one answer of the API: its status, headers and the
// rate-limit usage it reported.
type Response struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Header holds the response headers.
	Header http.Header
	// Usage is the rate-limit usage reported by this response's headers.
	Usage Usage
	// APIVersion is the version Meta actually served (facebook-api-version).
	APIVersion string
	// TraceID is Meta's x-fb-trace-id, useful in bug reports.
	TraceID string
	// Attempts is how many times the request was sent.
	Attempts int
}

type responseKey struct{}

// CaptureResponse returns a context that makes the SDK store the *Response of
// the call made with it into dst: a way to read headers and usage from
// methods that return only the decoded result. With several calls, dst holds
// the last one.
func CaptureResponse(ctx context.Context, dst *Response) context.Context {
	return context.WithValue(ctx, responseKey{}, dst)
}

// jsonBody marks a request body to be sent as JSON.
type jsonBody struct{ v any }

// JSONBody wraps v so that NewRequest sends it as a JSON body instead of a
// form-encoded one.
func JSONBody(v any) any { return jsonBody{v} }

// rawPath marks a request path that is an absolute URL (OAuth hosts, the
// upload host) rather than a path under the versioned Graph root.
func (c *Client) resolve(path string) (*url.URL, error) {
	if strings.HasPrefix(path, "https://") || strings.HasPrefix(path, "http://") {
		u, err := url.Parse(path)
		if err != nil {
			return nil, errors.New("instagram: unparsable URL")
		}
		return u, nil
	}
	path = strings.TrimPrefix(path, "/")
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("instagram: path %q must not carry a query; use the options struct", path)
	}
	u := *c.baseURL
	raw := c.baseURL.EscapedPath() + "/" + c.version + "/" + path
	p, err := url.PathUnescape(raw)
	if err != nil {
		return nil, fmt.Errorf("instagram: invalid path %q", path)
	}
	if err := checkPathSegments(raw); err != nil {
		return nil, err
	}
	u.Path, u.RawPath = p, raw
	return &u, nil
}

// encodeValues turns an options struct with `url:` tags, url.Values or nil
// into url.Values.
func encodeValues(v any) (url.Values, error) {
	switch t := v.(type) {
	case nil:
		return url.Values{}, nil
	case *GetOptions:
		// The two most used option types skip reflection; the exact types
		// only, so that types embedding them keep their own fields.
		out := url.Values{}
		if t != nil && len(t.Fields) > 0 {
			out.Set("fields", strings.Join(t.Fields, ","))
		}
		return out, nil
	case *ListOptions:
		out := url.Values{}
		if t != nil {
			if len(t.Fields) > 0 {
				out.Set("fields", strings.Join(t.Fields, ","))
			}
			if t.Limit != 0 {
				out.Set("limit", strconv.Itoa(t.Limit))
			}
			if t.After != "" {
				out.Set("after", t.After)
			}
			if t.Before != "" {
				out.Set("before", t.Before)
			}
		}
		return out, nil
	case url.Values:
		out := make(url.Values, len(t))
		for k, vs := range t {
			out[k] = append([]string(nil), vs...)
		}
		return out, nil
	}
	if isNilInterface(v) {
		return url.Values{}, nil
	}
	vals, err := query.Values(v)
	if err != nil {
		return nil, fmt.Errorf("instagram: encoding options: %w", err)
	}
	return vals, nil
}

// NewRequest builds a request for the API. path is relative to the
// versioned Graph root ("17841400000000000/media") or an absolute URL. q is
// an options struct with `url:` tags, url.Values or nil. body is nil, a form
// (url.Values or a struct with `url:` tags) or JSONBody(v). Authentication is
// added when the request is sent by Do.
func (c *Client) NewRequest(ctx context.Context, method, path string, q any, body any) (*http.Request, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	u, err := c.resolve(path)
	if err != nil {
		return nil, err
	}
	vals, err := encodeValues(q)
	if err != nil {
		return nil, err
	}
	if len(vals) > 0 {
		if u.RawQuery != "" {
			existing, _ := url.ParseQuery(u.RawQuery)
			for k, vs := range vals {
				existing[k] = vs
			}
			vals = existing
		}
		u.RawQuery = vals.Encode()
	}
	var (
		rd          io.Reader
		contentType string
	)
	switch b := body.(type) {
	case nil:
	case jsonBody:
		buf, err := json.Marshal(b.v)
		if err != nil {
			return nil, fmt.Errorf("instagram: encoding JSON body: %w", err)
		}
		rd, contentType = bytes.NewReader(buf), "application/json"
	default:
		form, err := encodeValues(b)
		if err != nil {
			return nil, err
		}
		rd, contentType = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	// Build on an empty URL and set the parsed one: no second parse.
	req, err := http.NewRequestWithContext(ctx, method, "", rd)
	if err != nil {
		return nil, fmt.Errorf("instagram: building request: %s", redact(err.Error()))
	}
	req.URL, req.Host = u, u.Host
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

type noAuthKey struct{}

// withoutAuth marks a request that must not carry the client's token (OAuth
// endpoints that take credentials in their own parameters).
func withoutAuth(req *http.Request) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), noAuthKey{}, true))
}

type proofCache struct{ token, proof string }

// appSecretProof returns hex(HMAC-SHA256(secret, token)), cached for the
// latest token.
func (c *Client) appSecretProof(token string) string {
	if p := c.proof.Load(); p != nil && p.token == token {
		return p.proof
	}
	p := AppSecretProof(c.appSecret, token)
	c.proof.Store(&proofCache{token: token, proof: p})
	return p
}

// AppSecretProof returns appsecret_proof for token: the hex HMAC-SHA256 of
// the token keyed with the app secret.
func AppSecretProof(appSecret, token string) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// Do sends req through the pipeline: it waits for or checks rate-limit
// budget, adds the token and appsecret_proof, retries transient failures of
// idempotent requests, records usage headers, turns non-2xx answers into
// typed errors and decodes a 2xx JSON body into v (v may be nil). The
// returned *Response is non-nil whenever an answer arrived.
func (c *Client) Do(req *http.Request, v any) (*Response, error) {
	ctx := req.Context()
	token := ""
	if ctx.Value(noAuthKey{}) == nil && c.tokens != nil {
		tok, err := c.tokens.Token()
		if err != nil {
			return nil, fmt.Errorf("instagram: obtaining access token: %w", scrubError(err, c.appSecret))
		}
		token = tok.AccessToken
	}
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodHead || ctx.Value(idempotentKey{}) != nil
	account := accountOf(req.URL.Path, c.baseURL.Path+"/"+c.version+"/")
	var (
		resp *Response
		err  error
	)
	for attempt := 1; ; attempt++ {
		release, aerr := c.limits.acquire(ctx, account)
		if aerr != nil {
			return resp, aerr
		}
		var retryAfter time.Duration
		var sent bool
		resp, retryAfter, sent, err = c.send(ctx, req, token, account, v)
		release()
		if resp != nil {
			resp.Attempts = attempt
			if dst, ok := ctx.Value(responseKey{}).(*Response); ok && dst != nil {
				*dst = *resp
			}
		}
		if err == nil {
			return resp, nil
		}
		if attempt >= c.retry.MaxAttempts || !c.retryable(err, idempotent, sent) {
			return resp, err
		}
		wait := c.retry.backoff(attempt)
		if retryAfter > 0 {
			if retryAfter > c.retry.MaxDelay {
				return resp, err
			}
			wait = retryAfter
		}
		c.logger.LogAttrs(ctx, slog.LevelInfo, "instagram: retrying",
			slog.String("method", req.Method), slog.String("path", req.URL.Path),
			slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
		if err := sleepCtx(ctx, wait); err != nil {
			return resp, err
		}
	}
}

// retryable decides whether a failed attempt may be sent again.
func (c *Client) retryable(err error, idempotent, sent bool) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if !sent {
		return true // the request never left: safe for any method
	}
	if !idempotent {
		return false
	}
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return false
	}
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return errors.Is(apiErr, ErrTransient)
	}
	// A network error after the request was written: safe to resend a GET.
	return true
}

// send performs one attempt. sent reports whether the request may have
// reached the server (false only for failures before a connection existed).
func (c *Client) send(ctx context.Context, orig *http.Request, token, account string, v any) (*Response, time.Duration, bool, error) {
	slot := &usageSlot{}
	req := orig.Clone(context.WithValue(ctx, usageSlotKey{}, slot))
	if orig.GetBody != nil {
		body, err := orig.GetBody()
		if err != nil {
			return nil, 0, false, fmt.Errorf("instagram: rewinding request body: %w", err)
		}
		req.Body = body
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
		if c.appSecret != "" && req.URL.Host == c.baseURL.Host {
			q := req.URL.Query()
			q.Set("appsecret_proof", c.appSecretProof(token))
			req.URL.RawQuery = q.Encode()
		}
	}
	req.Header.Set("User-Agent", c.userAgent)
	start := time.Now()
	hr, err := c.httpClient.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, 0, false, fmt.Errorf("instagram: %s %s: %w", orig.Method, redactPath(orig.URL), ctxErr)
		}
		return nil, 0, !isDialError(err), &NetworkError{Method: orig.Method, Path: redactPath(orig.URL), Err: scrubError(err, c.requestSecrets(orig, token)...)}
	}
	defer func() {
		// Drain a little so the connection can be reused, then close.
		_, _ = io.CopyN(io.Discard, hr.Body, 4<<10)
		hr.Body.Close()
	}()
	usage := slot.usage
	resp := &Response{
		StatusCode: hr.StatusCode,
		Header:     hr.Header,
		Usage:      usage,
		APIVersion: hr.Header.Get("facebook-api-version"),
		TraceID:    hr.Header.Get("x-fb-trace-id"),
	}
	if c.logger.Enabled(ctx, slog.LevelDebug) {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "instagram: request",
			slog.String("method", orig.Method), slog.String("path", orig.URL.Path),
			slog.Int("status", hr.StatusCode), slog.Duration("duration", time.Since(start)))
	}
	if hr.StatusCode < 200 || hr.StatusCode > 299 {
		apiErr := parseError(hr, c.requestSecrets(orig, token))
		retryAfter := parseRetryAfter(hr.Header.Get("Retry-After"))
		if errors.Is(apiErr, ErrRateLimited) {
			rl := c.limits.rejected(apiErr, usage, account, retryAfter)
			return resp, 0, true, rl
		}
		return resp, retryAfter, true, apiErr
	}
	if v == nil {
		return resp, 0, true, nil
	}
	if w, ok := v.(io.Writer); ok {
		if _, err := io.Copy(w, hr.Body); err != nil {
			return resp, 0, true, &NetworkError{Method: orig.Method, Path: redactPath(orig.URL), Err: scrubError(err, c.requestSecrets(orig, token)...)}
		}
		return resp, 0, true, nil
	}
	if err := json.NewDecoder(hr.Body).Decode(v); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return resp, 0, true, fmt.Errorf("instagram: %s %s: %w", orig.Method, redactPath(orig.URL), ctxErr)
		}
		return resp, 0, true, &DecodeError{Method: orig.Method, Path: redactPath(orig.URL), Err: err}
	}
	return resp, 0, true, nil
}

// requestSecrets lists the credentials a request carries: the token, the
// app secret and its proof, and the values of credential parameters in the
// query or form body (client_secret, code, ...). Errors are scrubbed of all
// of them, whatever shape an echo takes. Only failures pay for this.
func (c *Client) requestSecrets(req *http.Request, token string) []string {
	out := []string{token, c.appSecret}
	if token != "" && c.appSecret != "" {
		out = append(out, c.appSecretProof(token))
	}
	collect := func(v url.Values) {
		for k, vs := range v {
			if secretKey(k) {
				out = append(out, vs...)
			}
		}
	}
	collect(req.URL.Query())
	if req.GetBody != nil && strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if body, err := req.GetBody(); err == nil {
			b, _ := io.ReadAll(io.LimitReader(body, 1<<20))
			body.Close()
			if v, err := url.ParseQuery(string(b)); err == nil {
				collect(v)
			}
		}
	}
	if a := req.Header.Get("Authorization"); a != "" {
		if _, cred, ok := strings.Cut(a, " "); ok {
			out = append(out, cred)
		}
	}
	return out
}

// accountOf returns the first path segment under the versioned root: the id
// whose business-use-case budget a call spends.
func accountOf(path, root string) string {
	rest, ok := strings.CutPrefix(path, root)
	if !ok {
		return ""
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// call is the shorthand every service method uses: build, send, decode.
func (c *Client) call(ctx context.Context, method, path string, q, body, v any) error {
	req, err := c.NewRequest(ctx, method, path, q, body)
	if err != nil {
		return err
	}
	_, err = c.Do(req, v)
	return err
}

func (c *Client) get(ctx context.Context, path string, q, v any) error {
	return c.call(ctx, http.MethodGet, path, q, nil, v)
}

func (c *Client) post(ctx context.Context, path string, q, body, v any) error {
	return c.call(ctx, http.MethodPost, path, q, body, v)
}

func (c *Client) delete(ctx context.Context, path string, q, v any) error {
	return c.call(ctx, http.MethodDelete, path, q, nil, v)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// pathEscape escapes one id or name for use as a path segment. Escaping
// alone does not keep input on its endpoint (url.PathEscape leaves "." and
// ".." as they are): checkID rejects such ids first, and resolve refuses any
// path with a dot segment.
func pathEscape(s string) string { return url.PathEscape(s) }

// Success is Meta's {"success": true} answer to updates and deletes. Meta
// sometimes sends the value as the string "true"; both decode.
type Success struct {
	Success Bool `json:"success"`
}
