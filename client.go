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
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// Version is the version of this SDK, sent in the default User-Agent.
const Version = "0.1.0"

// Defaults of the client and its calls; each is one option or field away.
const (
	// DefaultAPIVersion is the Graph API version used when WithAPIVersion is not
	// given. It is the version Meta's Instagram documentation uses.
	DefaultAPIVersion = "v25.0"

	// DefaultMaxResponseBytes caps a successful answer the client reads, unless
	// WithMaxResponseBytes says otherwise.
	DefaultMaxResponseBytes = 64 << 20

	// DefaultReadIdleTimeout bounds how long the client waits for the next byte
	// of an answer's body: a body that stalls longer fails the call, even under
	// a context without deadline.
	DefaultReadIdleTimeout = 2 * time.Minute

	// DefaultMaxDownload is the size cap of Download when DownloadOptions gives
	// none: 1 GiB, above the largest video Instagram accepts for a reel.
	DefaultMaxDownload = 1 << 30

	// DefaultMaxPages is how many pages one iteration over an edge fetches at
	// most, unless WithMaxPages says otherwise. At Meta's usual page sizes it is
	// tens of thousands of items; an iteration that reaches it ends with an
	// error matching ErrPageLimit.
	DefaultMaxPages = 1000

	// DefaultPublishLease is the lease a journaled publish holds on its key,
	// renewed at each step. A worker that dies loses it after this long and
	// ResumePublishes may then finish its publish.
	DefaultPublishLease = 2 * time.Minute

	// DefaultProgressInterval is how often an upload progress callback is called
	// when WithUploadProgress is given no interval.
	DefaultProgressInterval = 200 * time.Millisecond
)

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
	limits     *limiter
	maxBody    int64
	logger     *slog.Logger
	maxPages   int

	proof  atomic.Pointer[proofCache]
	claims mediaClaims // media returned by publish recoveries

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
	limits     Limits
	maxBody    int64
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
			return &ValidationError{Field: "access_token", Rule: "must not be empty"}
		}
		if !headerSafe(token) {
			return &ValidationError{Field: "access_token", Rule: "must not hold control characters or spaces"}
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
		if strings.ContainsFunc(ua, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return &ValidationError{Field: "User-Agent", Rule: "must not hold control characters"}
		}
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

// WithLimits configures the limits system: budgets, messaging pacing,
// the hashtag quota, how long calls wait for room and where the state is
// kept. Without it, Limits' defaults apply: a call waits up to a minute for
// room, else fails at once with *RateLimitError.
func WithLimits(l Limits) Option {
	return func(c *config) error {
		if _, err := l.withDefaults(); err != nil {
			return err
		}
		c.limits = l
		return nil
	}
}

// WithMaxResponseBytes caps the size of a successful answer the client
// reads (default DefaultMaxResponseBytes); a larger one fails with a
// *DecodeError instead of filling memory.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return &ValidationError{Field: "max_response_bytes", Rule: "must be positive"}
		}
		c.maxBody = n
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
		maxBody:   cfg.maxBody,
		maxPages:  cfg.maxPages,
	}
	if c.maxBody == 0 {
		c.maxBody = DefaultMaxResponseBytes
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
	if c.limits, err = newLimiter(cfg.limits, c.logger); err != nil {
		return nil, err
	}
	c.limits.identity = c.tokenDigest
	hc := cfg.httpClient
	if hc == nil {
		hc = defaultHTTPClient()
	}
	c.httpClient = guardRedirects(hc)

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

// defaultHTTPClient bounds connecting (30 s, as net/http's default
// transport), the TLS handshake (10 s) and waiting for an answer's headers
// (2 minutes), not the whole exchange: a resumable upload may stream for a
// long time. Whole calls are bounded by the ctx each method takes, and a
// body that stalls by DefaultReadIdleTimeout. It keeps up to 256 idle
// connections per host (1,024 in all), so that bursts of concurrent calls
// reuse connections instead of opening new ones.
func defaultHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 2 * time.Minute
	tr.MaxIdleConns = 1024
	tr.MaxIdleConnsPerHost = 256
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

// tokenDigest names the current token without revealing it: the first
// 16 hex digits of its SHA-256 ("none" without a token).
func (c *Client) tokenDigest() string {
	if c.tokens == nil {
		return "none"
	}
	tok, err := c.tokens.Token()
	if err != nil || tok == nil {
		return "none"
	}
	sum := sha256.Sum256([]byte(tok.AccessToken))
	return hex.EncodeToString(sum[:8])
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
