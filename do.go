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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxTokenResponseBytes caps token answers, as golang.org/x/oauth2 does.
const maxTokenResponseBytes = 1 << 20

// request is everything the pipeline needs to make one call.
type request struct {
	method string
	// path is relative to the versioned Graph root
	// ("17841400000000000/media"), or an absolute URL.
	path  string
	query any // an options struct with `url:` tags, url.Values or nil
	body  any // nil, a form (url.Values or a `url:` struct) or jsonBody
	// idempotent marks a call that may be sent again after it may have
	// reached Meta (reads are; a POST that creates nothing may be).
	idempotent bool
	// noAuth sends the call without the client's token (OAuth endpoints
	// take credentials in their own parameters).
	noAuth bool
	// account is the id whose business budget the call spends; empty
	// means the first path segment.
	account string
	// maxBody caps the answer; 0 means the client's cap.
	maxBody int64
	// maxAttempts caps the attempts below the RetryPolicy's; 0 means
	// the policy's.
	maxAttempts int
	// prepare makes last changes to the built request (upload headers).
	prepare func(*http.Request)
	// built is a request made by NewRequest, sent as it is.
	built *http.Request
}

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

// resolve turns a path under the versioned Graph root, or an absolute URL
// (OAuth hosts, the upload host), into a URL.
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

// build makes the *http.Request of r.
func (c *Client) build(ctx context.Context, r *request) (*http.Request, error) {
	u, err := c.resolve(r.path)
	if err != nil {
		return nil, err
	}
	var vals url.Values
	if q, ok := r.query.(url.Values); ok {
		// Read only here (a merge below builds a new map): no copy.
		vals = q
		if l := q.Get("limit"); l != "" {
			if n, err := strconv.Atoi(l); err != nil || n < 0 {
				return nil, &ValidationError{Field: "limit", Rule: "must be a non-negative number"}
			}
		}
	} else if vals, err = encodeValues(r.query); err != nil {
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
	switch b := r.body.(type) {
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
	req, err := http.NewRequestWithContext(ctx, r.method, "", rd)
	if err != nil {
		return nil, fmt.Errorf("instagram: building request: %s", redact(err.Error()))
	}
	req.URL, req.Host = u, u.Host
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if r.prepare != nil {
		r.prepare(req)
	}
	return req, nil
}

// NewRequest builds a request for an endpoint the SDK has no method for.
// path is relative to the versioned Graph root ("17841400000000000/media")
// or an absolute URL. q is an options struct with `url:` tags, url.Values
// or nil. body is nil, a form (url.Values or a struct with `url:` tags) or
// JSONBody(v). Send it with Do, which adds authentication.
func (c *Client) NewRequest(ctx context.Context, method, path string, q any, body any) (*http.Request, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	return c.build(ctx, &request{method: method, path: path, query: q, body: body})
}

// Do sends a request made by NewRequest through the pipeline every method
// uses: it waits for rate-limit budget, adds the token and appsecret_proof,
// reads the usage headers, retries transient failures of reads, turns
// non-2xx answers into typed errors and decodes a 2xx JSON body into v (v
// may be nil, or an io.Writer that receives the body). The returned
// *Response is non-nil whenever an answer arrived.
func (c *Client) Do(req *http.Request, v any) (*Response, error) {
	if req == nil {
		return nil, &ValidationError{Field: "request", Rule: "must not be nil"}
	}
	return c.do(req.Context(), &request{method: req.Method, built: req}, v)
}

// do is the one function every call of the SDK goes through.
func (c *Client) do(ctx context.Context, r *request, v any) (*Response, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	req := r.built
	built := req == nil
	if built {
		var err error
		if req, err = c.build(ctx, r); err != nil {
			return nil, err
		}
	}
	idempotent := r.idempotent || req.Method == http.MethodGet || req.Method == http.MethodHead
	account := r.account
	if account == "" {
		account = accountOf(req.URL.Path, c.baseURL.Path+"/"+c.version+"/")
	}
	attempts := c.retry.MaxAttempts
	if r.maxAttempts > 0 && r.maxAttempts < attempts {
		attempts = r.maxAttempts
	}
	maxBody := r.maxBody
	if maxBody == 0 {
		maxBody = c.maxBody
	}
	var (
		resp *Response
		err  error
	)
	for attempt := 1; ; attempt++ {
		if werr := c.limits.wait(ctx, account); werr != nil {
			return resp, werr
		}
		// The token is taken after the wait for budgets, for each attempt:
		// a token taken before a long wait (or a retry's pause) may have
		// expired or been replaced by a refresh meanwhile.
		token := ""
		if !r.noAuth && c.tokens != nil {
			tok, err := tokenFor(ctx, c.tokens)
			if err != nil {
				return nil, fmt.Errorf("instagram: obtaining access token: %w", scrubError(err, c.appSecret))
			}
			token = tok.AccessToken
			if !headerSafe(token) {
				return nil, &ValidationError{Field: "access_token", Rule: "the token source gave a token with control characters or spaces"}
			}
		}
		var out attemptResult
		out, err = c.attempt(ctx, req, built && attempt == 1, token, account, maxBody, v)
		resp = out.resp
		if resp != nil {
			resp.Attempts = attempt
			if dst, ok := ctx.Value(responseKey{}).(*Response); ok && dst != nil {
				*dst = *resp
			}
		}
		if err == nil {
			return resp, nil
		}
		if attempt >= attempts || !c.retryable(err, idempotent, out.sent) {
			return resp, markUnsafe(err, idempotent, out.sent)
		}
		wait := c.retry.backoff(attempt)
		if out.retryAfter > 0 {
			if out.retryAfter > c.retry.MaxDelay {
				return resp, err
			}
			wait = out.retryAfter
		}
		c.logger.LogAttrs(ctx, slog.LevelInfo, "instagram: retrying",
			slog.String("method", req.Method), slog.String("path", req.URL.Path),
			slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
		if err := sleepCtx(ctx, wait); err != nil {
			return resp, err
		}
	}
}

// markUnsafe wraps the error of a call that may have reached Meta and must
// not be sent again (a POST that creates or sends something, whose answer
// was lost or was a transient failure), so that IsRetryable reports false
// for it: resending could post or deliver twice.
func markUnsafe(err error, idempotent, sent bool) error {
	if !sent || idempotent {
		return err
	}
	var ne *NetworkError
	if errors.As(err, &ne) || errors.Is(err, ErrTransient) {
		return &notRetryable{err}
	}
	return err
}

// notRetryable marks an error IsRetryable must not call retryable. Its
// text and chain are those of the error it wraps.
type notRetryable struct{ err error }

func (e *notRetryable) Error() string { return e.err.Error() }
func (e *notRetryable) Unwrap() error { return e.err }

// retryable decides whether a failed attempt may be sent again.
func (c *Client) retryable(err error, idempotent, sent bool) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrRedirect) {
		return false
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
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
	// A network error after the request was written: safe to resend a read.
	return true
}

// attemptResult is what one attempt learnt besides its error.
type attemptResult struct {
	resp       *Response
	retryAfter time.Duration
	sent       bool // the request may have reached the server
}

// attempt sends req once, reads the usage headers of the answer, and
// decodes it.
//
// When own is set, req was built for this call and not sent yet: it is sent
// as it is. Otherwise (a retry, or a request the caller built with
// NewRequest) a copy is sent, with its body rewound.
func (c *Client) attempt(ctx context.Context, orig *http.Request, own bool, token, account string, maxBody int64, v any) (attemptResult, error) {
	req := orig
	if !own {
		req = orig.Clone(ctx)
		if orig.GetBody != nil {
			body, err := orig.GetBody()
			if err != nil {
				return attemptResult{}, fmt.Errorf("instagram: rewinding request body: %w", err)
			}
			req.Body = body
		}
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
	start := c.limits.now()
	hr, err := c.httpClient.Do(req)
	if err != nil {
		if errors.Is(err, ErrRedirect) {
			return attemptResult{sent: true}, fmt.Errorf("instagram: %s %s: %w", orig.Method, redactPath(orig.URL), ErrRedirect)
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return attemptResult{}, fmt.Errorf("instagram: %s %s: %w", orig.Method, redactPath(orig.URL), ctxErr)
		}
		return attemptResult{sent: !isDialError(err)}, &NetworkError{Method: orig.Method, Path: redactPath(orig.URL), Err: scrubError(err, c.requestSecrets(orig, token)...)}
	}
	body := newIdleReader(hr.Body, DefaultReadIdleTimeout)
	defer func() {
		// Drain a little so the connection can be reused, then close.
		_, _ = io.CopyN(io.Discard, body, 4<<10)
		body.Close()
	}()
	usage, uerr := ParseUsage(hr.Header)
	if uerr != nil {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "instagram: usage headers ignored", slog.String("error", uerr.Error()))
	}
	if !usage.Empty() {
		usage.ObservedAt = c.limits.now()
		c.limits.observe(ctx, usage, account)
	}
	resp := &Response{
		StatusCode: hr.StatusCode,
		Header:     hr.Header,
		Usage:      usage,
		APIVersion: hr.Header.Get("facebook-api-version"),
		TraceID:    hr.Header.Get("x-fb-trace-id"),
	}
	out := attemptResult{resp: resp, sent: true}
	if c.logger.Enabled(ctx, slog.LevelDebug) {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "instagram: request",
			slog.String("method", orig.Method), slog.String("path", orig.URL.Path),
			slog.Int("status", hr.StatusCode), slog.Duration("duration", c.limits.now().Sub(start)))
	}
	if hr.StatusCode < 200 || hr.StatusCode > 299 {
		hr.Body = body
		apiErr := parseError(hr, c.requestSecrets(orig, token))
		retryAfter := min(retryAfterOf(hr.Header.Get("Retry-After"), c.limits.now()), c.limits.cfg.MaxBlock)
		if errors.Is(apiErr, ErrRateLimited) {
			return out, c.limits.rejected(ctx, apiErr, usage, account, retryAfter)
		}
		out.retryAfter = retryAfter
		return out, apiErr
	}
	if v == nil {
		return out, nil
	}
	capped := &cappedReader{r: body, left: maxBody}
	fail := func(err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("instagram: %s %s: %w", orig.Method, redactPath(orig.URL), ctxErr)
		}
		if body.stalled.Load() {
			return &NetworkError{Method: orig.Method, Path: redactPath(orig.URL), Err: errReadIdle}
		}
		if capped.over {
			return &DecodeError{Method: orig.Method, Path: redactPath(orig.URL), Err: fmt.Errorf("answer larger than %d bytes", maxBody)}
		}
		return nil
	}
	if w, ok := v.(io.Writer); ok {
		if _, err := io.Copy(w, capped); err != nil {
			if ferr := fail(err); ferr != nil {
				return out, ferr
			}
			return out, &NetworkError{Method: orig.Method, Path: redactPath(orig.URL), Err: scrubError(err, c.requestSecrets(orig, token)...)}
		}
		return out, fail(nil)
	}
	if err := json.NewDecoder(capped).Decode(v); err != nil {
		if ferr := fail(err); ferr != nil {
			return out, ferr
		}
		return out, &DecodeError{Method: orig.Method, Path: redactPath(orig.URL), Err: err}
	}
	return out, nil
}

// errReadIdle is the cause of a call whose answer stalled.
var errReadIdle = fmt.Errorf("answer body stalled for %s", DefaultReadIdleTimeout)

// idleReader closes the body, which ends the read in progress, when no
// byte arrives for the timeout. The timer is reset once per read.
type idleReader struct {
	rc      io.ReadCloser
	timer   *time.Timer
	d       time.Duration
	once    sync.Once
	stalled atomic.Bool
}

func newIdleReader(rc io.ReadCloser, d time.Duration) *idleReader {
	r := &idleReader{rc: rc, d: d}
	r.timer = time.AfterFunc(d, func() { r.stalled.Store(true); rc.Close() })
	return r
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	if n > 0 {
		r.timer.Reset(r.d)
	}
	return n, err
}

func (r *idleReader) Close() error {
	r.once.Do(func() { r.timer.Stop() })
	return r.rc.Close()
}

// cappedReader reads at most left bytes and notes when the source had more.
type cappedReader struct {
	r    io.Reader
	left int64
	over bool
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			c.over = true
			return 0, errors.New("answer too large")
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// guardRedirects returns a shallow copy of hc that refuses to follow a
// redirect to another host when the first request carried credentials (an
// Authorization header, a credential parameter in its URL) or a body (a
// 307/308 resends it). hc itself is not modified.
func guardRedirects(hc *http.Client) *http.Client {
	out := *hc
	next := hc.CheckRedirect
	out.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0]
		if req.URL.Host != first.URL.Host && (first.Header.Get("Authorization") != "" || first.Body != nil && first.Body != http.NoBody ||
			first.Method != http.MethodGet && first.Method != http.MethodHead || hasSecretParam(first.URL.Query()) || hasSecretParam(req.URL.Query())) {
			return ErrRedirect
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &out
}

func hasSecretParam(q url.Values) bool {
	for k := range q {
		if secretKey(k) {
			return true
		}
	}
	return false
}

// headerSafe reports whether s can travel in a header value: no control
// characters, spaces or non-ASCII bytes (Meta's tokens are letters, digits
// and a few punctuation marks).
func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= ' ' || b >= 0x7f {
			return false
		}
	}
	return true
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

// call is the shorthand most service methods use: build, send, decode.
func (c *Client) call(ctx context.Context, method, path string, q, body, v any) error {
	_, err := c.do(ctx, &request{method: method, path: path, query: q, body: body}, v)
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
