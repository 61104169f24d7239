package instagram_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

// savedTokens is a TokenStore that records what it is given.
type savedTokens struct {
	mu   sync.Mutex
	toks []*instagram.Token
	fail error
}

func (s *savedTokens) Load(context.Context) (*instagram.Token, error) { return nil, nil }

func (s *savedTokens) Lock(context.Context, time.Duration) (func(context.Context) error, error) {
	return func(context.Context) error { return nil }, nil
}

func (s *savedTokens) Save(_ context.Context, tok *instagram.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.toks = append(s.toks, tok)
	return nil
}

func (s *savedTokens) all() []*instagram.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*instagram.Token(nil), s.toks...)
}

// refreshFixture is a fake server on a settable clock, a long-lived token
// it issued at the clock's start, and a client to refresh with.
type refreshFixture struct {
	clk  *oauthClock
	srv  *instagramtest.Server
	auth *instagram.Client
	tok  *instagram.Token
}

func newRefreshFixture(t *testing.T, opts ...instagramtest.Option) *refreshFixture {
	t.Helper()
	clk := newOAuthClock()
	srv := instagramtest.NewServer(append([]instagramtest.Option{instagramtest.WithClock(clk.Now)}, opts...)...)
	t.Cleanup(srv.Close)
	auth, err := instagram.NewClient(instagram.WithBaseURL(srv.URL))
	require.NoError(t, err)
	tok := &instagram.Token{
		AccessToken: srv.IssueToken(60 * 24 * time.Hour),
		UserID:      srv.UserID,
		IssuedAt:    clk.Now(),
		Expiry:      clk.Now().Add(60 * 24 * time.Hour),
	}
	return &refreshFixture{clk: clk, srv: srv, auth: auth, tok: tok}
}

func (f *refreshFixture) refreshes() int { return f.srv.RequestCount("GET", "/refresh_access_token") }

func TestTokenSourceRefreshesOnceForManyGoroutines(t *testing.T) {
	f := newRefreshFixture(t)
	store := &savedTokens{}
	ts := f.auth.Auth.TokenSource(f.tok, &instagram.TokenSourceOptions{Store: store, Now: f.clk.Now})

	// Far from expiry: no refresh.
	got, err := ts.Token()
	require.NoError(t, err)
	assert.Equal(t, f.tok.AccessToken, got.AccessToken)
	assert.Zero(t, f.refreshes())

	// Six hours before expiry, 100 goroutines ask at once.
	f.clk.Advance(60*24*time.Hour - 6*time.Hour)
	const n = 100
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		toks  = make([]string, n)
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tok, err := ts.Token()
			errs[i] = err
			if tok != nil {
				toks[i] = tok.AccessToken
			}
		}()
	}
	close(start)
	wg.Wait()

	assert.Equal(t, 1, f.refreshes(), "exactly one refresh call")
	saved := store.all()
	require.Len(t, saved, 1, "the store sees the new token once")
	fresh := saved[0]
	assert.NotEqual(t, f.tok.AccessToken, fresh.AccessToken)
	assert.Equal(t, f.clk.Now().Add(60*24*time.Hour), fresh.Expiry)
	assert.Equal(t, f.clk.Now(), fresh.IssuedAt)
	assert.Equal(t, f.tok.UserID, fresh.UserID)
	for i := range n {
		require.NoError(t, errs[i])
		// While the refresh ran the others kept the old, still valid token.
		assert.Contains(t, []string{f.tok.AccessToken, fresh.AccessToken}, toks[i])
	}
	assert.Equal(t, fresh.AccessToken, ts.Current().AccessToken)

	// The source plugs into the client, which now calls with the new token.
	client, err := instagram.NewClient(instagram.WithBaseURL(f.srv.URL), instagram.WithTokenSource(ts))
	require.NoError(t, err)
	me, err := client.Users.Me(context.Background(), &instagram.GetOptions{Fields: []string{"id"}})
	require.NoError(t, err)
	assert.Equal(t, f.srv.UserID, me.ID)
	tok, err := ts.Token()
	require.NoError(t, err)
	assert.Equal(t, fresh.AccessToken, tok.AccessToken)
	assert.Equal(t, 1, f.refreshes())
	assert.Len(t, store.all(), 1)
}

func TestTokenSourceWaitsUntilTheTokenIs24HoursOld(t *testing.T) {
	f := newRefreshFixture(t)
	// A token issued an hour ago that expires in two days: inside the
	// window, but too young for Meta.
	f.clk.Advance(time.Hour)
	young := &instagram.Token{AccessToken: f.srv.IssueToken(48 * time.Hour), IssuedAt: f.clk.Now(), Expiry: f.clk.Now().Add(48 * time.Hour)}
	ts := f.auth.Auth.TokenSource(young, &instagram.TokenSourceOptions{Now: f.clk.Now})
	_, err := ts.Token()
	require.NoError(t, err)
	assert.Zero(t, f.refreshes())

	// A forced refresh asks anyway, and Meta's refusal is returned.
	_, err = ts.Refresh()
	require.Error(t, err)
	assert.Equal(t, 1, f.refreshes())
	assert.NotContains(t, err.Error(), young.AccessToken)
	tok, err := ts.Token()
	require.NoError(t, err, "the refusal does not end the source")
	assert.Equal(t, young.AccessToken, tok.AccessToken)

	f.clk.Advance(24 * time.Hour)
	_, err = ts.Token()
	require.NoError(t, err)
	assert.Equal(t, 2, f.refreshes())
	assert.NotEqual(t, young.AccessToken, ts.Current().AccessToken)
}

func TestTokenSourceConfigurableWindow(t *testing.T) {
	f := newRefreshFixture(t)
	ts := f.auth.Auth.TokenSource(f.tok, &instagram.TokenSourceOptions{Now: f.clk.Now, Window: 30 * 24 * time.Hour})
	f.clk.Advance(29 * 24 * time.Hour) // 31 days left
	_, err := ts.Token()
	require.NoError(t, err)
	assert.Zero(t, f.refreshes())
	f.clk.Advance(2 * 24 * time.Hour) // 29 days left
	_, err = ts.Token()
	require.NoError(t, err)
	assert.Equal(t, 1, f.refreshes())

	// A day later the new token is old enough for a forced refresh, far
	// from its expiry.
	f.clk.Advance(25 * time.Hour)
	before := ts.Current()
	forced, err := ts.Refresh()
	require.NoError(t, err)
	assert.Equal(t, 2, f.refreshes())
	assert.NotEqual(t, before.AccessToken, forced.AccessToken)
	assert.Equal(t, f.clk.Now().Add(60*24*time.Hour), forced.Expiry)
}

func TestTokenSourceExpiredTokenIsATokenError(t *testing.T) {
	f := newRefreshFixture(t)
	ts := f.auth.Auth.TokenSource(f.tok, &instagram.TokenSourceOptions{Now: f.clk.Now})
	f.clk.Advance(61 * 24 * time.Hour)

	_, err := ts.Token()
	require.Error(t, err)
	assert.ErrorIs(t, err, instagram.ErrTokenExpired)
	var te *instagram.TokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, f.tok.Expiry, te.Expiry)
	assert.Equal(t, 1, f.refreshes(), "a token that looks expired is tried once; Meta's answer declares it dead")
	assert.NotContains(t, err.Error(), f.tok.AccessToken)

	// Through a client the error keeps its type.
	client, err := instagram.NewClient(instagram.WithBaseURL(f.srv.URL), instagram.WithTokenSource(ts))
	require.NoError(t, err)
	_, err = client.Users.Me(context.Background(), nil)
	assert.ErrorIs(t, err, instagram.ErrTokenExpired)

	// A new login revives the source.
	ts.SetToken(&instagram.Token{AccessToken: f.srv.IssueToken(60 * 24 * time.Hour), IssuedAt: f.clk.Now(), Expiry: f.clk.Now().Add(60 * 24 * time.Hour)})
	_, err = client.Users.Me(context.Background(), nil)
	require.NoError(t, err)
}

func TestTokenSourceStopsWhenMetaRejectsTheToken(t *testing.T) {
	f := newRefreshFixture(t)
	// The server says expired while the stored expiry says otherwise.
	expired := &instagram.Token{AccessToken: f.srv.ExpiredToken(), IssuedAt: f.clk.Now().Add(-50 * 24 * time.Hour), Expiry: f.clk.Now().Add(24 * time.Hour)}
	store := &savedTokens{}
	ts := f.auth.Auth.TokenSource(expired, &instagram.TokenSourceOptions{Now: f.clk.Now, Store: store})
	for range 3 {
		_, err := ts.Token()
		require.Error(t, err)
		assert.ErrorIs(t, err, instagram.ErrTokenExpired)
		var apiErr *instagram.Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 463, apiErr.Subcode)
	}
	assert.Equal(t, 1, f.refreshes(), "a terminal failure is not retried")
	assert.Empty(t, store.all())

	// An unknown token is invalid, not expired.
	bogus := &instagram.Token{AccessToken: "IGAAnotatoken", Expiry: f.clk.Now().Add(time.Hour)}
	ts = f.auth.Auth.TokenSource(bogus, &instagram.TokenSourceOptions{Now: f.clk.Now})
	_, err := ts.Token()
	assert.ErrorIs(t, err, instagram.ErrInvalidToken)
	assert.NotErrorIs(t, err, instagram.ErrTokenExpired)
}

func TestTokenSourceRetriesTemporaryFailuresLater(t *testing.T) {
	f := newRefreshFixture(t)
	f.auth, _ = instagram.NewClient(instagram.WithBaseURL(f.srv.URL),
		instagram.WithRetryPolicy(instagram.RetryPolicy{MaxAttempts: 1}))
	var reported []error
	ts := f.auth.Auth.TokenSource(f.tok, &instagram.TokenSourceOptions{
		Now: f.clk.Now, RetryAfter: 10 * time.Minute,
		OnError: func(err error) { reported = append(reported, err) },
	})
	f.clk.Advance(59 * 24 * time.Hour)
	f.srv.InjectFault(instagramtest.Fault{Path: "/refresh_access_token", Kind: instagramtest.FaultStatus500, Times: 1})

	tok, err := ts.Token()
	require.NoError(t, err, "the current token still works")
	assert.Equal(t, f.tok.AccessToken, tok.AccessToken)
	require.Len(t, reported, 1)
	assert.ErrorIs(t, reported[0], instagram.ErrTransient)
	assert.NotContains(t, reported[0].Error(), f.tok.AccessToken)

	_, err = ts.Token()
	require.NoError(t, err)
	assert.Equal(t, 1, f.refreshes(), "no new attempt before RetryAfter")

	f.clk.Advance(11 * time.Minute)
	tok, err = ts.Token()
	require.NoError(t, err)
	assert.Equal(t, 2, f.refreshes())
	assert.NotEqual(t, f.tok.AccessToken, tok.AccessToken)
}

func TestTokenSourceRetriesAFailedSave(t *testing.T) {
	f := newRefreshFixture(t)
	store := &savedTokens{fail: errors.New("disk full")}
	var reported []error
	ts := f.auth.Auth.TokenSource(f.tok, &instagram.TokenSourceOptions{
		Now: f.clk.Now, Store: store, OnError: func(err error) { reported = append(reported, err) },
	})
	f.clk.Advance(59 * 24 * time.Hour)
	tok, err := ts.Token()
	require.NoError(t, err)
	assert.NotEqual(t, f.tok.AccessToken, tok.AccessToken, "the refreshed token is used even if it could not be saved")
	require.Len(t, reported, 1)
	assert.Contains(t, reported[0].Error(), "disk full")

	store.mu.Lock()
	store.fail = nil
	store.mu.Unlock()
	_, err = ts.Token()
	require.NoError(t, err)
	assert.Empty(t, store.all(), "no new attempt before RetryAfter")
	f.clk.Advance(instagram.DefaultRefreshRetry)
	_, err = ts.Token()
	require.NoError(t, err)
	saved := store.all()
	require.Len(t, saved, 1)
	assert.Equal(t, tok.AccessToken, saved[0].AccessToken)
	assert.Equal(t, 1, f.refreshes(), "saving again does not refresh again")
}

func TestFileTokenStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token.json")
	store := instagram.FileTokenStore{Path: path}
	tok := &instagram.Token{
		AccessToken: "IGAAfiletoken", UserID: "27640875392278831", Permissions: []string{"instagram_business_basic"},
		IssuedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Expiry: time.Date(2026, 3, 3, 3, 4, 5, 0, time.UTC),
	}
	require.NoError(t, store.SaveToken(context.Background(), tok))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	got, err := store.LoadToken()
	require.NoError(t, err)
	assert.Equal(t, tok, got)

	// Saving again replaces the file and leaves no temporary behind.
	tok.AccessToken = "IGAAsecond"
	require.NoError(t, store.SaveToken(context.Background(), tok))
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1)
	got, err = store.LoadToken()
	require.NoError(t, err)
	assert.Equal(t, "IGAAsecond", got.AccessToken)

	require.NoError(t, os.WriteFile(path, []byte(`{"access_token": IGAAbroken`), 0o600))
	_, err = store.LoadToken()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "IGAAbroken")
	_, err = instagram.FileTokenStore{Path: filepath.Join(t.TempDir(), "missing.json")}.LoadToken()
	assert.ErrorIs(t, err, os.ErrNotExist)
}
