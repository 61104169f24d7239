package instagram

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Defaults of TokenSourceOptions.
const (
	// DefaultRefreshWindow: refresh when the token expires within a week.
	DefaultRefreshWindow = 7 * 24 * time.Hour
	// DefaultRefreshRetry: wait this long after a failed refresh before
	// trying again, while the current token still works.
	DefaultRefreshRetry = 5 * time.Minute
	// DefaultRefreshTimeout bounds one refresh call and one save.
	DefaultRefreshTimeout = 30 * time.Second
)

// TokenStore keeps one token where every process that refreshes it can
// see it. RefreshingTokenSource takes the store's lock around each
// refresh, loads the stored token (another process may have refreshed it
// already and then that token is used), refreshes, saves and unlocks, so
// that processes sharing a store make one refresh between them.
type TokenStore interface {
	// Load returns the stored token, or (nil, nil) when none is stored.
	Load(ctx context.Context) (*Token, error)
	// Save stores tok, replacing the previous token.
	Save(ctx context.Context, tok *Token) error
	// Lock takes the store's refresh lock, waiting (bounded by ctx) while
	// another holder has it. A shared store gives the lock a TTL of ttl so
	// that a crashed holder cannot keep it, and unlock releases it only if
	// this holder still owns it (compare-and-delete).
	Lock(ctx context.Context, ttl time.Duration) (unlock func(context.Context) error, err error)
}

// TokenStoreFunc adapts a save function to TokenStore, for a store that
// only receives tokens: Load finds none and Lock is local to the store
// value's process (it does nothing; RefreshingTokenSource already makes
// one refresh per process).
type TokenStoreFunc func(ctx context.Context, tok *Token) error

// Save calls f.
func (f TokenStoreFunc) Save(ctx context.Context, tok *Token) error { return f(ctx, tok) }

// Load returns (nil, nil): the function keeps nothing to read.
func (f TokenStoreFunc) Load(context.Context) (*Token, error) { return nil, nil }

// Lock does nothing and returns an unlock that does nothing.
func (f TokenStoreFunc) Lock(context.Context, time.Duration) (func(context.Context) error, error) {
	return func(context.Context) error { return nil }, nil
}

// TokenError reports that a token can no longer be used or refreshed: the
// user must log in again. It matches ErrTokenExpired when the token
// expired, ErrInvalidToken when Meta rejects it for another reason (a
// changed password, a removed app), through its Err.
type TokenError struct {
	// Expiry is the token's expiry, zero when unknown.
	Expiry time.Time
	// Err is ErrTokenExpired or Meta's *Error.
	Err error
}

// Error describes the failure without the token.
func (e *TokenError) Error() string {
	msg := "instagram: the access token cannot be refreshed; log in again"
	if !e.Expiry.IsZero() {
		msg += " (token expiry " + e.Expiry.UTC().Format(time.RFC3339) + ")"
	}
	if e.Err != nil && e.Err != ErrTokenExpired {
		msg += ": " + e.Err.Error()
	} else if e.Err == ErrTokenExpired {
		msg += ": it has expired"
	}
	return msg
}

// Unwrap returns the cause.
func (e *TokenError) Unwrap() error { return e.Err }

// TokenSourceOptions tune a RefreshingTokenSource. The zero value is
// usable.
type TokenSourceOptions struct {
	// Store receives every refreshed token; nil keeps tokens in memory.
	Store TokenStore
	// Window: the token is refreshed once it expires within Window
	// (default DefaultRefreshWindow).
	Window time.Duration
	// MinAge: tokens younger than this are not refreshed (default
	// RefreshMinAge, Meta's 24 hours). The age counts from
	// Token.IssuedAt; tokens without it are taken as old enough.
	MinAge time.Duration
	// RetryAfter is the pause after a refresh failed while the current
	// token still works (default DefaultRefreshRetry).
	RetryAfter time.Duration
	// Timeout bounds one refresh call and one save (default
	// DefaultRefreshTimeout).
	Timeout time.Duration
	// OnError receives failures that did not stop the source from
	// returning a working token: a refresh that failed for a temporary
	// reason, a store that could not save (retried after RetryAfter).
	// The errors never contain the token.
	OnError func(error)
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// RefreshingTokenSource is an oauth2.TokenSource for long-lived Instagram
// Login tokens that refreshes them before they expire. Give it to
// WithTokenSource. Many goroutines may ask for a token at once; exactly one
// of them refreshes, and the store sees each new token once. While a
// refresh is running the others keep using the current token, which is
// still valid.
//
// When the token can no longer be refreshed (it expired, or Meta rejects
// it) Token returns a *TokenError matching ErrTokenExpired or
// ErrInvalidToken, until SetToken installs a token from a new login.
type RefreshingTokenSource struct {
	auth *AuthService
	opts TokenSourceOptions

	mu       sync.Mutex
	tok      *Token
	unsaved  bool          // tok still has to reach the store
	dead     *TokenError   // terminal failure
	retryAt  time.Time     // no refresh attempt before this time
	inflight chan struct{} // closed when the running refresh or save ends
	saving   bool          // the inflight work is a save, not a refresh
}

// TokenSource returns a RefreshingTokenSource that starts with tok (for
// example one loaded from a FileTokenStore) and refreshes it through this
// client, which must be an Instagram Login client. The refresh call carries
// the token as a parameter, so the client needs no token of its own and can
// be a plain instagram.NewClient() (it must not be a client that uses the
// returned source, which would be built afterwards anyway).
func (s *AuthService) TokenSource(tok *Token, opts *TokenSourceOptions) *RefreshingTokenSource {
	ts := &RefreshingTokenSource{auth: s}
	if opts != nil {
		ts.opts = *opts
	}
	o := &ts.opts
	if o.Window <= 0 {
		o.Window = DefaultRefreshWindow
	}
	if o.MinAge <= 0 {
		o.MinAge = RefreshMinAge
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = DefaultRefreshRetry
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultRefreshTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	ts.setToken(tok)
	return ts
}

func (ts *RefreshingTokenSource) setToken(tok *Token) {
	if tok != nil {
		cp := *tok
		tok = &cp
	}
	ts.tok, ts.unsaved, ts.dead, ts.retryAt = tok, false, nil, time.Time{}
}

// SetToken replaces the token, for instance after the user logged in
// again, and clears a terminal failure. It does not call the store.
func (ts *RefreshingTokenSource) SetToken(tok *Token) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.setToken(tok)
}

// Current returns a copy of the token the source holds now.
func (ts *RefreshingTokenSource) Current() *Token {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.tok == nil {
		return nil
	}
	cp := *ts.tok
	return &cp
}

// Token returns a working token, refreshing it first when it is within the
// refresh window and old enough. It is TokenContext without a deadline of
// the caller's (the refresh is bounded by TokenSourceOptions.Timeout).
//
// Meta API: GET /refresh_access_token
func (ts *RefreshingTokenSource) Token() (*oauth2.Token, error) {
	return ts.TokenContext(context.Background())
}

// TokenContext is Token bounded by ctx: when ctx ends while this call
// refreshes, it returns the current token at once and the refresh goes on
// in the background (bounded by TokenSourceOptions.Timeout) for the calls
// that follow. The Client calls it with each request's context.
//
// Meta API: GET /refresh_access_token
func (ts *RefreshingTokenSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", ErrValidation)
	}
	tok, err := ts.get(ctx, false)
	if err != nil {
		return nil, err
	}
	return tok.OAuth2(), nil
}

// Refresh refreshes the token now, whatever its expiry (Meta still
// requires it to be 24 hours old), and returns the new one; when another
// goroutine is refreshing, it waits for that refresh instead. Use it from a
// scheduled job; Token refreshes on its own.
//
// Meta API: GET /refresh_access_token
func (ts *RefreshingTokenSource) Refresh() (*Token, error) {
	return ts.get(context.Background(), true)
}

func (ts *RefreshingTokenSource) get(ctx context.Context, force bool) (*Token, error) {
	for {
		ts.mu.Lock()
		now := ts.opts.Now()
		if ts.dead != nil {
			err := ts.dead
			ts.mu.Unlock()
			return nil, err
		}
		cur := ts.tok
		if cur == nil || cur.AccessToken == "" {
			ts.mu.Unlock()
			return nil, &TokenError{Err: ErrInvalidToken}
		}
		// A token that looks expired on the local clock is not declared
		// dead here: the clock may be wrong (a VM resume, an NTP step, a
		// file written on another host). It is refreshed, and Meta's answer
		// decides.
		if !force && ts.unsaved && ts.inflight == nil && !now.Before(ts.retryAt) {
			return ts.save(cur) // unlocks
		}
		if !force && !ts.due(cur, now) {
			ts.mu.Unlock()
			return copyToken(cur), nil
		}
		if ch := ts.inflight; ch != nil {
			if !force {
				// Another goroutine refreshes; the current token works
				// (or Meta will say it does not).
				ts.mu.Unlock()
				return copyToken(cur), nil
			}
			saving := ts.saving
			ts.mu.Unlock()
			select {
			case <-ch:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if !saving {
				force = false // that refresh is the one asked for
			}
			continue
		}
		ch := make(chan struct{})
		ts.inflight = ch
		ts.mu.Unlock()
		type result struct {
			tok *Token
			err error
		}
		res := make(chan result, 1)
		go func() {
			t, err := ts.refresh(cur, force, ch)
			res <- result{t, err}
		}()
		select {
		case r := <-res:
			return r.tok, r.err
		case <-ctx.Done():
			if force {
				return nil, ctx.Err()
			}
			return copyToken(cur), nil
		}
	}
}

// due reports whether cur should be refreshed at now.
func (ts *RefreshingTokenSource) due(cur *Token, now time.Time) bool {
	if now.Before(ts.retryAt) {
		return false
	}
	if !cur.Expiry.IsZero() && !now.Before(cur.Expiry) {
		return true // looks expired: try, whatever its age
	}
	if cur.Expiry.IsZero() || cur.Expiry.Sub(now) > ts.opts.Window {
		return false
	}
	return cur.IssuedAt.IsZero() || now.Sub(cur.IssuedAt) >= ts.opts.MinAge
}

// refresh performs the one refresh; ch is closed when it ends. With a
// store it holds the store's lock throughout and first loads the stored
// token: when another process refreshed already, that token is taken and
// no refresh is made.
func (ts *RefreshingTokenSource) refresh(cur *Token, force bool, ch chan struct{}) (*Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), ts.opts.Timeout)
	defer cancel()
	var (
		nt      *Token
		err     error
		saveErr error
		adopted bool
	)
	store := ts.opts.Store
	if store != nil {
		var unlock func(context.Context) error
		unlock, err = store.Lock(ctx, ts.opts.Timeout)
		if err == nil {
			defer unlock(context.Background())
			var stored *Token
			stored, err = store.Load(ctx)
			if err == nil && stored != nil && stored.AccessToken != cur.AccessToken &&
				stored.Valid(ts.opts.Now()) && stored.Expiry.After(cur.Expiry) {
				nt, adopted = stored, true
			}
			if err != nil {
				err = fmt.Errorf("instagram: loading the stored token: %w", scrubError(err, cur.AccessToken))
			}
		} else {
			err = fmt.Errorf("instagram: locking the token store: %w", err)
		}
	}
	if err == nil && !adopted {
		nt, err = ts.auth.refreshToken(ctx, cur, ts.opts.Now)
		if err == nil && store != nil {
			saveErr = store.Save(ctx, copyToken(nt))
		}
	}

	ts.mu.Lock()
	ts.inflight = nil
	close(ch)
	if err != nil {
		if errors.Is(err, ErrTokenExpired) || errors.Is(err, ErrInvalidToken) {
			ts.dead = &TokenError{Expiry: cur.Expiry, Err: err}
			ts.mu.Unlock()
			return nil, ts.dead
		}
		ts.retryAt = ts.opts.Now().Add(ts.opts.RetryAfter)
		ts.mu.Unlock()
		err = fmt.Errorf("instagram: refreshing the access token: %w", err)
		if force {
			return nil, err
		}
		ts.report(err)
		return copyToken(cur), nil
	}
	ts.tok = nt
	ts.unsaved = saveErr != nil
	if ts.unsaved {
		ts.retryAt = ts.opts.Now().Add(ts.opts.RetryAfter)
	}
	ts.mu.Unlock()
	if saveErr != nil {
		ts.report(fmt.Errorf("instagram: saving the refreshed token: %w", scrubError(saveErr, nt.AccessToken)))
	}
	return copyToken(nt), nil
}

// save retries storing a token whose save failed; ts.mu is held on entry.
func (ts *RefreshingTokenSource) save(cur *Token) (*Token, error) {
	ch := make(chan struct{})
	ts.inflight, ts.saving = ch, true
	ts.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), ts.opts.Timeout)
	err := ts.opts.Store.Save(ctx, copyToken(cur))
	cancel()
	ts.mu.Lock()
	ts.inflight, ts.saving = nil, false
	close(ch)
	switch {
	case err == nil && ts.tok == cur:
		ts.unsaved = false
	case err != nil:
		ts.retryAt = ts.opts.Now().Add(ts.opts.RetryAfter)
	}
	ts.mu.Unlock()
	if err != nil {
		ts.report(fmt.Errorf("instagram: saving the refreshed token: %w", scrubError(err, cur.AccessToken)))
	}
	return copyToken(cur), nil
}

func (ts *RefreshingTokenSource) report(err error) {
	if ts.opts.OnError != nil {
		ts.opts.OnError(err)
	}
}

func copyToken(t *Token) *Token {
	cp := *t
	cp.Permissions = append([]string(nil), t.Permissions...)
	return &cp
}

// ContextTokenSource is an oauth2.TokenSource that can bound the work of
// Token by a context, as RefreshingTokenSource does. The Client uses
// TokenContext with each request's context when its source has it.
type ContextTokenSource interface {
	oauth2.TokenSource
	TokenContext(ctx context.Context) (*oauth2.Token, error)
}

// tokenFor asks ts for a token, bounded by ctx when ts supports it.
func tokenFor(ctx context.Context, ts oauth2.TokenSource) (*oauth2.Token, error) {
	if cs, ok := ts.(ContextTokenSource); ok {
		return cs.TokenContext(ctx)
	}
	return ts.Token()
}
