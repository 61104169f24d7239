package instagram_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

const oauthRedirect = "https://app.example/oauth/callback"

// oauthClock is a settable clock shared by the fake server and the SDK.
type oauthClock struct {
	mu sync.Mutex
	t  time.Time
}

func newOAuthClock() *oauthClock {
	return &oauthClock{t: time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC)}
}

func (c *oauthClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *oauthClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// authorizeFake opens an authorization URL on the fake server the way a
// browser would and returns where it redirects to.
func authorizeFake(t *testing.T, authURL string) *url.URL {
	t.Helper()
	return authorizeVia(t, nil, authURL)
}

// authorizeVia is authorizeFake through rt (nil: the default transport),
// such as the in-memory network of bubbleFake.
func authorizeVia(t *testing.T, rt http.RoundTripper, authURL string) *url.URL {
	t.Helper()
	hc := &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(authURL)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	loc, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	return loc
}

// loginCode runs the browser half of a login and returns the code.
func loginCode(t *testing.T, cfg *instagram.OAuthConfig) string {
	t.Helper()
	return loginCodeVia(t, nil, cfg)
}

// loginCodeVia is loginCode with the browser's requests sent through rt.
func loginCodeVia(t *testing.T, rt http.RoundTripper, cfg *instagram.OAuthConfig) string {
	t.Helper()
	state := instagram.NewState()
	code, err := instagram.ParseRedirect(authorizeVia(t, rt, cfg.AuthCodeURL(state)), state)
	require.NoError(t, err)
	return code
}

func TestInstagramLoginFlowOnFakeServer(t *testing.T) {
	ctx := context.Background()
	srv := instagramtest.NewServer()
	defer srv.Close()
	client, err := srv.Client()
	require.NoError(t, err)
	cfg := srv.OAuthConfig(instagram.InstagramLogin, oauthRedirect,
		instagram.ScopeInstagramBusinessBasic, instagram.ScopeInstagramBusinessManageComments)

	state := instagram.NewState()
	authURL := cfg.AuthCodeURL(state, instagram.EnableFacebookLogin(false), instagram.ForceAuthentication(true), instagram.ForceReauth(true))
	au, err := url.Parse(authURL)
	require.NoError(t, err)
	q := au.Query()
	assert.Equal(t, srv.AppID, q.Get("client_id"))
	assert.Equal(t, oauthRedirect, q.Get("redirect_uri"))
	assert.Equal(t, "code", q.Get("response_type"))
	assert.Equal(t, "instagram_business_basic instagram_business_manage_comments", q.Get("scope"))
	assert.Equal(t, state, q.Get("state"))
	assert.Equal(t, "0", q.Get("enable_fb_login"))
	assert.Equal(t, "1", q.Get("force_authentication"))
	assert.Equal(t, "true", q.Get("force_reauth"))

	redirect := authorizeFake(t, authURL)
	assert.Equal(t, "_", redirect.Fragment)
	code, err := instagram.ParseRedirect(redirect, state)
	require.NoError(t, err)
	assert.NotContains(t, code, "#")

	short, err := client.Auth.ExchangeCode(ctx, cfg, code)
	require.NoError(t, err)
	assert.Equal(t, srv.UserID, short.UserID)
	n, ok := new(big.Int).SetString(short.UserID, 10)
	require.True(t, ok)
	assert.Positive(t, n.Cmp(big.NewInt(1<<53)), "the id exceeds 2^53 and kept every digit")
	assert.Equal(t, []string{"instagram_business_basic", "instagram_business_manage_comments"}, short.Permissions)
	assert.WithinDuration(t, time.Now().Add(time.Hour), short.Expiry, time.Minute)

	long, err := client.Auth.ExchangeLongLived(ctx, cfg, short)
	require.NoError(t, err)
	assert.NotEqual(t, short.AccessToken, long.AccessToken)
	assert.Equal(t, srv.UserID, long.UserID, "the user id carries over")
	assert.WithinDuration(t, time.Now().Add(60*24*time.Hour), long.Expiry, time.Minute)

	// The minted token works for the rest of the API.
	user, err := instagram.NewClient(instagram.WithBaseURL(srv.URL), instagram.WithAccessToken(long.AccessToken))
	require.NoError(t, err)
	me, err := user.Users.Me(ctx, &instagram.GetOptions{Fields: []string{"id", "username"}})
	require.NoError(t, err)
	assert.Equal(t, srv.UserID, me.ID)

	// The exchanges carried their credentials as parameters, never in the
	// Authorization header of the client (which has a token of its own).
	for _, r := range srv.Requests() {
		if r.Path == "/oauth/access_token" || r.Path == "/access_token" {
			assert.Empty(t, r.Header.Get("Authorization"), r.Path)
		}
	}
}

func TestFacebookLoginFlowOnFakeServer(t *testing.T) {
	ctx := context.Background()
	srv := instagramtest.NewServer()
	defer srv.Close()
	app, err := srv.FacebookClient()
	require.NoError(t, err)
	cfg := srv.OAuthConfig(instagram.FacebookLogin, oauthRedirect,
		instagram.ScopeInstagramBasic, instagram.ScopePagesShowList, instagram.ScopeBusinessManagement)

	state := instagram.NewState()
	authURL := cfg.AuthCodeURL(state, instagram.Rerequest())
	assert.True(t, strings.HasPrefix(authURL, srv.URL+"/v25.0/dialog/oauth?"), authURL)
	assert.Contains(t, authURL, "auth_type=rerequest")
	redirect := authorizeFake(t, authURL)
	assert.Empty(t, redirect.Fragment)
	code, err := instagram.ParseRedirect(redirect, state)
	require.NoError(t, err)

	short, err := app.Auth.ExchangeCode(ctx, cfg, code)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(time.Hour), short.Expiry, time.Minute)
	long, err := app.Auth.ExchangeLongLived(ctx, cfg, short)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(60*24*time.Hour), long.Expiry, time.Minute)

	info, err := app.Auth.DebugToken(ctx, long.AccessToken,
		&instagram.DebugTokenOptions{AccessToken: instagram.AppAccessToken(srv.AppID, srv.AppSecret)})
	require.NoError(t, err)
	assert.True(t, info.IsValid)
	require.NoError(t, info.Err())
	assert.Equal(t, srv.AppID, info.AppID)
	assert.Equal(t, "USER", info.Type)
	assert.Equal(t, srv.FacebookUserID, info.UserID)
	assert.Equal(t, []string{"instagram_basic", "pages_show_list", "business_management"}, info.Scopes)
	assert.WithinDuration(t, long.Expiry, info.ExpiresAt, 2*time.Second)
	assert.False(t, info.IssuedAt.IsZero())
	require.NotEmpty(t, info.GranularScopes)
	assert.Equal(t, []string{srv.UserID}, info.GranularScopes[0].TargetIDs)

	// The user's Pages lead to the Instagram account.
	user, err := instagram.NewClient(instagram.WithPlatform(instagram.FacebookLogin),
		instagram.WithBaseURL(srv.URL), instagram.WithAccessToken(long.AccessToken))
	require.NoError(t, err)
	page, err := user.Auth.Accounts(ctx, nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	p := page.Data[0]
	assert.Equal(t, srv.PageID, p.ID)
	assert.Equal(t, srv.PageAccessToken, p.AccessToken)
	assert.Contains(t, p.Tasks, "MANAGE")
	require.NotNil(t, p.InstagramBusinessAccount)
	assert.Equal(t, srv.UserID, p.InstagramBusinessAccount.ID)
	assert.Equal(t, srv.Account().Username, p.InstagramBusinessAccount.Username)

	var all []instagram.FacebookPage
	for fp, err := range user.Auth.AllAccounts(ctx, &instagram.ListOptions{Limit: 1}) {
		require.NoError(t, err)
		all = append(all, fp)
	}
	assert.Equal(t, []instagram.FacebookPage{p}, all)

	ig, err := user.Users.Get(ctx, p.InstagramBusinessAccount.ID, &instagram.GetOptions{Fields: []string{"id", "username"}})
	require.NoError(t, err)
	assert.Equal(t, srv.Account().Username, ig.Username)
}

func TestDebugTokenReportsInvalidAndExpiredTokens(t *testing.T) {
	ctx := context.Background()
	clk := newOAuthClock()
	srv := instagramtest.NewServer(instagramtest.WithClock(clk.Now))
	defer srv.Close()
	app, err := srv.FacebookClient() // authenticates with the user token
	require.NoError(t, err)

	tok := srv.IssueFacebookToken(time.Hour)
	clk.Advance(2 * time.Hour)
	info, err := app.Auth.DebugToken(ctx, tok, nil)
	require.NoError(t, err)
	assert.False(t, info.IsValid)
	assert.ErrorIs(t, info.Err(), instagram.ErrTokenExpired)

	info, err = app.Auth.DebugToken(ctx, "EAAnotatoken", nil)
	require.NoError(t, err)
	assert.False(t, info.IsValid)
	assert.ErrorIs(t, info.Err(), instagram.ErrInvalidToken)
	assert.NotErrorIs(t, info.Err(), instagram.ErrTokenExpired)

	info, err = app.Auth.DebugToken(ctx, srv.PageAccessToken, nil)
	require.NoError(t, err)
	assert.True(t, info.IsValid)
	assert.Equal(t, "PAGE", info.Type)
	assert.Equal(t, srv.PageID, info.ProfileID)
	assert.True(t, info.ExpiresAt.IsZero(), "Page tokens never expire: expires_at 0 is the zero time")
}

// flowErrors are the sentinels that must stay apart.
var flowErrors = []error{
	instagram.ErrAuthorizationDenied, instagram.ErrStateMismatch, instagram.ErrCodeInvalid,
	instagram.ErrCodeExpired, instagram.ErrTokenExpired,
}

// assertOnly checks that err matches want and none of the other flow errors.
func assertOnly(t *testing.T, err, want error) {
	t.Helper()
	require.Error(t, err)
	for _, s := range flowErrors {
		if s == want {
			assert.ErrorIs(t, err, s)
		} else {
			assert.NotErrorIs(t, err, s)
		}
	}
}

func TestLoginFailuresAreDistinctTypedErrors(t *testing.T) {
	ctx := context.Background()
	clk := newOAuthClock()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := instagramtest.NewServer(instagramtest.WithClock(clk.Now))
	defer srv.Close()
	igClient, err := instagram.NewClient(instagram.WithBaseURL(srv.URL), instagram.WithLogger(logger))
	require.NoError(t, err)
	fbClient, err := instagram.NewClient(instagram.WithPlatform(instagram.FacebookLogin),
		instagram.WithBaseURL(srv.URL), instagram.WithLogger(logger))
	require.NoError(t, err)

	var secrets []string // every credential the flows handle
	secrets = append(secrets, srv.AppSecret)
	var errs []error
	check := func(err, want error) {
		t.Helper()
		assertOnly(t, err, want)
		errs = append(errs, err)
	}

	for _, tc := range []struct {
		platform instagram.Platform
		client   *instagram.Client
	}{{instagram.InstagramLogin, igClient}, {instagram.FacebookLogin, fbClient}} {
		t.Run(tc.platform.String(), func(t *testing.T) {
			cfg := srv.OAuthConfig(tc.platform, oauthRedirect)

			// Refusal.
			srv.DenyAuthorization(true)
			state := instagram.NewState()
			_, err := instagram.ParseRedirect(authorizeFake(t, cfg.AuthCodeURL(state)), state)
			check(err, instagram.ErrAuthorizationDenied)
			var ae *instagram.AuthorizationError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "user_denied", ae.Reason)
			srv.DenyAuthorization(false)

			// Wrong state: the redirect answers another login attempt.
			redirect := authorizeFake(t, cfg.AuthCodeURL(instagram.NewState()))
			secrets = append(secrets, redirect.Query().Get("code"))
			_, err = instagram.ParseRedirect(redirect, instagram.NewState())
			check(err, instagram.ErrStateMismatch)

			// Reused code.
			code := loginCode(t, cfg)
			secrets = append(secrets, code)
			tok, err := tc.client.Auth.ExchangeCode(ctx, cfg, code)
			require.NoError(t, err)
			secrets = append(secrets, tok.AccessToken)
			_, err = tc.client.Auth.ExchangeCode(ctx, cfg, code)
			check(err, instagram.ErrCodeInvalid)
			var apiErr *instagram.Error
			require.ErrorAs(t, err, &apiErr, "Meta's answer stays reachable")
			assert.Equal(t, http.StatusBadRequest, apiErr.HTTPStatus)

			// Expired code.
			late := loginCode(t, cfg)
			secrets = append(secrets, late)
			clk.Advance(61 * time.Minute)
			_, err = tc.client.Auth.ExchangeCode(ctx, cfg, late)
			check(err, instagram.ErrCodeExpired)
		})
	}

	// Expired long-lived token: the refresh is refused with 190/463.
	expired := srv.ExpiredToken()
	secrets = append(secrets, expired)
	_, err = igClient.Auth.RefreshToken(ctx, &instagram.Token{AccessToken: expired})
	check(err, instagram.ErrTokenExpired)
	// And a token source that knows it expired says so without a call.
	ts := igClient.Auth.TokenSource(&instagram.Token{AccessToken: expired, Expiry: clk.Now().Add(-time.Minute)},
		&instagram.TokenSourceOptions{Now: clk.Now})
	_, err = ts.Token()
	check(err, instagram.ErrTokenExpired)
	var te *instagram.TokenError
	assert.ErrorAs(t, err, &te)

	// A wrong client secret is none of the above, and is not echoed.
	bad := srv.OAuthConfig(instagram.InstagramLogin, oauthRedirect)
	bad.ClientSecret = "0123456789abcdef-wrong-secret"
	secrets = append(secrets, bad.ClientSecret)
	badCode := loginCode(t, bad)
	secrets = append(secrets, badCode)
	_, err = igClient.Auth.ExchangeCode(ctx, bad, badCode)
	check(err, nil)

	require.NotEmpty(t, logs.String(), "the clients logged their requests")
	for _, e := range errs {
		for _, s := range secrets {
			assert.NotContains(t, e.Error(), s)
		}
	}
	for _, s := range secrets {
		assert.NotContains(t, logs.String(), s)
	}
}

func TestTokenExchangeErrorsNeverShowSecrets(t *testing.T) {
	// Transient failures of the GET exchanges are retried and logged; a
	// failing transport shows the URL; neither may carry a credential.
	ctx := context.Background()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := instagramtest.NewServer()
	defer srv.Close()
	client, err := instagram.NewClient(instagram.WithPlatform(instagram.FacebookLogin), instagram.WithBaseURL(srv.URL),
		instagram.WithLogger(logger), instagram.WithRetryPolicy(instagram.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	cfg := srv.OAuthConfig(instagram.FacebookLogin, oauthRedirect)
	code := loginCode(t, cfg)

	var texts strings.Builder
	srv.InjectFault(instagramtest.Fault{Method: http.MethodGet, Path: "/oauth/access_token", Kind: instagramtest.FaultStatus500})
	_, err = client.Auth.ExchangeCode(ctx, cfg, code)
	require.Error(t, err)
	texts.WriteString(err.Error())
	assert.ErrorIs(t, err, instagram.ErrTransient)
	assert.Contains(t, logs.String(), "retrying")
	srv.ClearFaults()

	srv.InjectFault(instagramtest.Fault{Method: http.MethodGet, Path: "/oauth/access_token", Kind: instagramtest.FaultDrop})
	_, err = client.Auth.ExchangeLongLived(ctx, cfg, &instagram.Token{AccessToken: srv.FacebookAccessToken})
	require.Error(t, err)
	texts.WriteString(err.Error())
	var ne *instagram.NetworkError
	assert.ErrorAs(t, err, &ne)
	srv.ClearFaults()

	tok, err := client.Auth.ExchangeCode(ctx, cfg, code)
	require.NoError(t, err, "the faulted attempts did not use the code")

	out := texts.String() + logs.String()
	for _, s := range []string{srv.AppSecret, code, srv.FacebookAccessToken, tok.AccessToken} {
		assert.NotContains(t, out, s)
	}
}

func TestTimedAppSecretProofOnFakeServer(t *testing.T) {
	ctx := context.Background()
	srv := instagramtest.NewServer(instagramtest.WithRequireAppSecretProof(true))
	defer srv.Close()
	client, err := srv.Client()
	require.NoError(t, err)

	call := func(at time.Time) error {
		proof, ts := instagram.TimedAppSecretProof(srv.AppSecret, srv.AccessToken, at)
		req, err := client.NewRequest(ctx, http.MethodGet, "me", url.Values{
			"fields": {"id"}, "appsecret_proof": {proof}, "appsecret_time": {ts},
		}, nil)
		require.NoError(t, err)
		_, err = client.Do(req, nil)
		return err
	}
	require.NoError(t, call(time.Now()))
	err = call(time.Now().Add(-10 * time.Minute))
	require.Error(t, err, "a proof older than five minutes is refused")
	assert.NotContains(t, err.Error(), srv.AppSecret)

	// The plain proof, from WithAppSecret, works too.
	plain, err := srv.Client(instagram.WithAppSecret(srv.AppSecret))
	require.NoError(t, err)
	_, err = plain.Users.Me(ctx, nil)
	require.NoError(t, err)
	// Without a proof, the call fails.
	_, err = client.Users.Me(ctx, nil)
	require.Error(t, err)
	assert.False(t, errors.Is(err, instagram.ErrTokenExpired))
}
