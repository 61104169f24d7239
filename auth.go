package instagram

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// AuthService inspects tokens and finds the Instagram accounts behind them.
// It also runs the token half of both login flows: exchanging an
// authorization code, upgrading a short-lived token to a long-lived one and
// refreshing it. The browser half (the authorization URL and reading the
// redirect) needs no client: see OAuthConfig and ParseRedirect.
type AuthService service

// Scope is a permission an app asks for in the authorization URL.
type Scope string

// Scopes of Business Login for Instagram (Instagram Login). The older
// business_* values were retired by Meta in January 2025.
const (
	// ScopeInstagramBusinessBasic reads the profile and media; every
	// Instagram Login app needs it.
	ScopeInstagramBusinessBasic Scope = "instagram_business_basic"
	// ScopeInstagramBusinessContentPublish publishes media.
	ScopeInstagramBusinessContentPublish Scope = "instagram_business_content_publish"
	// ScopeInstagramBusinessManageMessages sends and reads direct messages.
	ScopeInstagramBusinessManageMessages Scope = "instagram_business_manage_messages"
	// ScopeInstagramBusinessManageComments reads, answers and moderates
	// comments.
	ScopeInstagramBusinessManageComments Scope = "instagram_business_manage_comments"
	// ScopeInstagramBusinessManageInsights reads account and media insights.
	ScopeInstagramBusinessManageInsights Scope = "instagram_business_manage_insights"
)

// Scopes of Facebook Login for the Instagram Graph API.
const (
	// ScopeInstagramBasic reads the Instagram account's profile and media.
	ScopeInstagramBasic Scope = "instagram_basic"
	// ScopeInstagramContentPublish publishes media.
	ScopeInstagramContentPublish Scope = "instagram_content_publish"
	// ScopeInstagramManageComments reads, answers and moderates comments.
	ScopeInstagramManageComments Scope = "instagram_manage_comments"
	// ScopeInstagramManageInsights reads insights.
	ScopeInstagramManageInsights Scope = "instagram_manage_insights"
	// ScopeInstagramManageMessages sends and reads direct messages.
	ScopeInstagramManageMessages Scope = "instagram_manage_messages"
	// ScopeInstagramShoppingTagProducts tags products in media.
	ScopeInstagramShoppingTagProducts Scope = "instagram_shopping_tag_products"
	// ScopePagesShowList lists the Pages the user manages (/me/accounts).
	ScopePagesShowList Scope = "pages_show_list"
	// ScopePagesReadEngagement reads Page content and metadata.
	ScopePagesReadEngagement Scope = "pages_read_engagement"
	// ScopePagesManageMetadata subscribes Pages to webhooks.
	ScopePagesManageMetadata Scope = "pages_manage_metadata"
	// ScopeBusinessManagement is needed for Pages owned by a business:
	// without it /me/accounts leaves them out.
	ScopeBusinessManagement Scope = "business_management"
	// ScopeCatalogManagement reads product catalogs for product tagging.
	ScopeCatalogManagement Scope = "catalog_management"
	// ScopeAdsManagement is needed when the Page role was granted through
	// Business Manager.
	ScopeAdsManagement Scope = "ads_management"
	// ScopeAdsRead is the read-only alternative to ScopeAdsManagement.
	ScopeAdsRead Scope = "ads_read"
)

// Default login endpoints.
const (
	// InstagramAuthURL is the authorization window of Business Login for
	// Instagram.
	InstagramAuthURL = "https://www.instagram.com/oauth/authorize"
	// InstagramTokenURL is where Instagram Login exchanges codes.
	InstagramTokenURL = "https://api.instagram.com/oauth/access_token"
	// FacebookDialogURL is the Facebook Login dialog without its version;
	// the version is added between host and path.
	FacebookDialogURL = "https://www.facebook.com"
)

// Token lifetimes Meta documents.
const (
	// ShortLivedTokenLifetime is how long a token from a code exchange
	// lasts when the answer does not say.
	ShortLivedTokenLifetime = time.Hour
	// RefreshMinAge is how old a long-lived Instagram token must be
	// before Meta refreshes it.
	RefreshMinAge = 24 * time.Hour
)

// Errors of the login flows, for errors.Is.
var (
	// ErrAuthorizationDenied: the user refused the authorization request
	// (the redirect carries error=access_denied). See AuthorizationError.
	ErrAuthorizationDenied = errors.New("instagram: the user denied the authorization request")
	// ErrStateMismatch: the redirect's state is not the one the app sent,
	// so it may be forged (CSRF) or belong to another login attempt.
	ErrStateMismatch = errors.New("instagram: OAuth state does not match")
	// ErrMissingCode: the redirect carries neither a code nor an error.
	ErrMissingCode = errors.New("instagram: the redirect carries no authorization code")
	// ErrCodeInvalid: Meta did not accept the authorization code: it is
	// unknown, was already used (codes are single-use), or was issued for
	// another redirect URI.
	ErrCodeInvalid = errors.New("instagram: authorization code invalid or already used")
	// ErrCodeExpired: the authorization code is older than Meta allows
	// (one hour).
	ErrCodeExpired = errors.New("instagram: authorization code expired")
)

// OAuthConfig describes an app's login flow: Business Login for Instagram
// (Platform InstagramLogin) or Facebook Login (Platform FacebookLogin). Build
// it with InstagramLoginConfig or FacebookLoginConfig, or fill it directly.
//
// The authorization URL and code exchange URL may be overridden (for
// proxies and the fake server of package instagramtest); the calls that go
// to a Graph host (long-lived exchange, refresh, and Facebook's code
// exchange by default) use the host of the Client they are made with.
type OAuthConfig struct {
	// Platform selects the login flow.
	Platform Platform
	// ClientID is the app id: the Instagram app id for Instagram Login,
	// the Meta app id for Facebook Login.
	ClientID string
	// ClientSecret is the matching app secret. It never leaves the
	// server side of the app and never appears in errors or logs.
	ClientSecret string
	// RedirectURL is where Meta sends the user back; it must be listed in
	// the app's settings and be identical at authorization and exchange.
	RedirectURL string
	// Scopes are the permissions asked for.
	Scopes []Scope
	// AuthURL overrides the authorization URL. Default:
	// InstagramAuthURL, or https://www.facebook.com/{version}/dialog/oauth.
	AuthURL string
	// TokenURL overrides the code exchange URL. Default: InstagramTokenURL
	// for Instagram Login; for Facebook Login, /oauth/access_token on the
	// Graph host of the Client making the call.
	TokenURL string
	// APIVersion is the version in the default Facebook dialog URL;
	// default DefaultAPIVersion.
	APIVersion string
	// ConfigID is the configuration id of Facebook Login for Business
	// (App Dashboard > Facebook Login for Business > Configurations). When
	// set, the authorization URL carries config_id and no scope: the
	// permissions (and the token type) come from the configuration.
	// Facebook Login only.
	ConfigID string
}

// InstagramLoginConfig returns the configuration of Business Login for
// Instagram with Meta's endpoints.
func InstagramLoginConfig(clientID, clientSecret, redirectURL string, scopes ...Scope) *OAuthConfig {
	return &OAuthConfig{Platform: InstagramLogin, ClientID: clientID, ClientSecret: clientSecret,
		RedirectURL: redirectURL, Scopes: scopes}
}

// FacebookLoginConfig returns the configuration of Facebook Login with
// Meta's endpoints.
func FacebookLoginConfig(clientID, clientSecret, redirectURL string, scopes ...Scope) *OAuthConfig {
	return &OAuthConfig{Platform: FacebookLogin, ClientID: clientID, ClientSecret: clientSecret,
		RedirectURL: redirectURL, Scopes: scopes}
}

// FacebookLoginForBusinessConfig returns the configuration of Facebook
// Login for Business with a configuration id in place of scopes.
func FacebookLoginForBusinessConfig(clientID, clientSecret, redirectURL, configID string) *OAuthConfig {
	return &OAuthConfig{Platform: FacebookLogin, ClientID: clientID, ClientSecret: clientSecret,
		RedirectURL: redirectURL, ConfigID: configID}
}

func (c *OAuthConfig) version() string {
	if c.APIVersion != "" {
		return c.APIVersion
	}
	return DefaultAPIVersion
}

func (c *OAuthConfig) authURL() string {
	switch {
	case c.AuthURL != "":
		return c.AuthURL
	case c.Platform == FacebookLogin:
		return FacebookDialogURL + "/" + c.version() + "/dialog/oauth"
	}
	return InstagramAuthURL
}

func (c *OAuthConfig) tokenURL() string {
	switch {
	case c.TokenURL != "":
		return c.TokenURL
	case c.Platform == FacebookLogin:
		return FacebookGraphURL + "/" + c.version() + "/oauth/access_token"
	}
	return InstagramTokenURL
}

// OAuth2 returns the configuration as an *oauth2.Config, for code that
// works with golang.org/x/oauth2 directly. Parameters go in the request
// body or query, as Meta expects. The SDK's own exchange methods accept
// more answer shapes than oauth2.Config.Exchange; prefer them.
func (c *OAuthConfig) OAuth2() *oauth2.Config {
	scopes := make([]string, len(c.Scopes))
	for i, s := range c.Scopes {
		scopes[i] = string(s)
	}
	return &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		RedirectURL:  c.RedirectURL,
		Scopes:       scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   c.authURL(),
			TokenURL:  c.tokenURL(),
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// AuthCodeURL returns the URL to send the user to. state must be an
// unguessable value tied to the user's session (NewState makes one); check
// it on the way back with ParseRedirect. opts add parameters such as
// EnableFacebookLogin, ForceAuthentication, ForceReauth or Rerequest. With
// a ConfigID (Facebook Login for Business) the URL carries config_id and
// no scope.
//
// Meta API: GET https://www.instagram.com/oauth/authorize
// Meta API: GET https://www.facebook.com/{version}/dialog/oauth
func (c *OAuthConfig) AuthCodeURL(state string, opts ...oauth2.AuthCodeOption) string {
	if c.ConfigID != "" && c.Platform == FacebookLogin {
		cfg := c.OAuth2()
		cfg.Scopes = nil
		return cfg.AuthCodeURL(state, append([]oauth2.AuthCodeOption{oauth2.SetAuthURLParam("config_id", c.ConfigID)}, opts...)...)
	}
	return c.OAuth2().AuthCodeURL(state, opts...)
}

// flag01 is Meta's 0/1 form of a boolean authorize parameter.
func flag01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// EnableFacebookLogin sets enable_fb_login on Instagram's authorization
// window, in Meta's documented form 0 or 1: false (0) hides the option to
// log in with Facebook (Meta's default is 1).
func EnableFacebookLogin(enable bool) oauth2.AuthCodeOption {
	return oauth2.SetAuthURLParam("enable_fb_login", flag01(enable))
}

// ForceAuthentication sets force_authentication on Instagram's
// authorization window (0 or 1, as in the embed URLs of Meta's App
// Dashboard): true (1) asks for the user's credentials even with an active
// Instagram session.
func ForceAuthentication(force bool) oauth2.AuthCodeOption {
	return oauth2.SetAuthURLParam("force_authentication", flag01(force))
}

// ForceReauth sets force_reauth on Instagram's authorization window: true
// makes the user log in again even with an active session.
func ForceReauth(force bool) oauth2.AuthCodeOption {
	return oauth2.SetAuthURLParam("force_reauth", fmt.Sprint(force))
}

// Rerequest asks Facebook Login to show permissions the user declined
// before (auth_type=rerequest).
func Rerequest() oauth2.AuthCodeOption {
	return oauth2.SetAuthURLParam("auth_type", "rerequest")
}

// NewState returns a random state value for AuthCodeURL: 32 random bytes,
// base64url encoded.
func NewState() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails: crypto/rand aborts the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// AuthorizationError is the error a redirect carries instead of a code, as
// when the user refuses: error=access_denied&error_reason=user_denied. It
// matches ErrAuthorizationDenied when the user denied the request.
type AuthorizationError struct {
	// Code is the error parameter, such as "access_denied".
	Code string
	// Reason is error_reason, such as "user_denied".
	Reason string
	// Description is error_description, a sentence for people.
	Description string
}

// Error describes the refusal.
func (e *AuthorizationError) Error() string {
	var b strings.Builder
	b.WriteString("instagram: authorization failed: ")
	b.WriteString(redact(e.Code))
	if e.Reason != "" {
		b.WriteString(" (" + redact(e.Reason) + ")")
	}
	if e.Description != "" {
		b.WriteString(": " + redact(e.Description))
	}
	return b.String()
}

// Is matches ErrAuthorizationDenied for access_denied.
func (e *AuthorizationError) Is(target error) bool {
	return target == ErrAuthorizationDenied && e.Code == "access_denied"
}

// ParseRedirect reads the redirect Meta sent the user back with (the
// request URL of the redirect handler) and returns the authorization code,
// without the "#_" Instagram appends. It checks, in constant time, that the
// state is the one given to AuthCodeURL: a mismatch is ErrStateMismatch. A
// refusal is an *AuthorizationError matching ErrAuthorizationDenied; a
// redirect with neither code nor error is ErrMissingCode.
func ParseRedirect(u *url.URL, state string) (string, error) {
	if state == "" {
		return "", &ValidationError{Field: "state", Rule: "must not be empty; pass the state given to AuthCodeURL"}
	}
	if u == nil {
		return "", &ValidationError{Field: "redirect", Rule: "must not be nil"}
	}
	q := u.Query()
	got, hasState := q["state"]
	stateOK := hasState && subtle.ConstantTimeCompare([]byte(got[0]), []byte(state)) == 1
	if e := q.Get("error"); e != "" || q.Get("error_code") != "" {
		// A refusal grants nothing, so a missing state is tolerated; a
		// wrong one is still reported.
		if hasState && !stateOK {
			return "", ErrStateMismatch
		}
		if e == "" {
			e = "error_code " + q.Get("error_code")
		}
		desc := q.Get("error_description")
		if desc == "" {
			desc = q.Get("error_message")
		}
		return "", &AuthorizationError{Code: e, Reason: q.Get("error_reason"), Description: desc}
	}
	if !stateOK {
		return "", ErrStateMismatch
	}
	code := trimCode(q.Get("code"))
	if code == "" {
		return "", ErrMissingCode
	}
	return code, nil
}

// trimCode removes the "#_" Instagram appends to codes, which survives when
// a redirect URL is copied with its fragment encoded.
func trimCode(code string) string {
	code = strings.TrimSpace(code)
	code = strings.TrimSuffix(code, "#_")
	return strings.TrimSuffix(code, "%23_")
}

// requirePlatform rejects, before sending anything, a call whose endpoint
// lives on the other platform's Graph host.
func (s *AuthService) requirePlatform(p Platform, what string) error {
	if s.client.platform != p {
		return &ValidationError{Field: "client", Rule: fmt.Sprintf("%s needs a client for %s (WithPlatform)", what, p)}
	}
	return nil
}

func checkConfig(cfg *OAuthConfig, needRedirect bool) error {
	switch {
	case cfg == nil:
		return &ValidationError{Field: "config", Rule: "must not be nil"}
	case cfg.Platform != InstagramLogin && cfg.Platform != FacebookLogin:
		return &ValidationError{Field: "config.Platform", Rule: "must be InstagramLogin or FacebookLogin"}
	case strings.TrimSpace(cfg.ClientID) == "":
		return &ValidationError{Field: "config.ClientID", Rule: "must not be empty"}
	case cfg.ClientSecret == "":
		return &ValidationError{Field: "config.ClientSecret", Rule: "must not be empty"}
	case needRedirect && cfg.RedirectURL == "":
		return &ValidationError{Field: "config.RedirectURL", Rule: "must not be empty"}
	}
	return nil
}

// tokenCall sends a request that carries its credentials as parameters,
// never the client's token, and decodes the token answer.
func (s *AuthService) tokenCall(ctx context.Context, method, path string, q, body any) (*tokenAnswer, error) {
	var ans tokenAnswer
	r := &request{method: method, path: path, query: q, body: body, noAuth: true, maxBody: maxTokenResponseBytes}
	if _, err := s.client.do(ctx, r, &ans); err != nil {
		return nil, err
	}
	if ans.AccessToken == "" {
		return nil, &DecodeError{Method: method, Path: path, Err: errors.New("the answer carries no access_token")}
	}
	return &ans, nil
}

// ExchangeCode trades an authorization code from ParseRedirect for a
// short-lived user token (one hour). For Instagram Login the token carries
// the user id and granted permissions; Facebook Login answers with the
// token only (DebugToken tells the rest). A code Meta rejects is an error
// matching ErrCodeInvalid (unknown or already used) or ErrCodeExpired; it
// also unwraps to the *Error Meta sent.
//
// For Facebook Login without cfg.TokenURL, call it on a client made
// WithPlatform(FacebookLogin).
//
// Meta API: POST https://api.instagram.com/oauth/access_token
// Meta API: GET /oauth/access_token
func (s *AuthService) ExchangeCode(ctx context.Context, cfg *OAuthConfig, code string) (*Token, error) {
	if err := checkConfig(cfg, true); err != nil {
		return nil, err
	}
	code = trimCode(code)
	if code == "" {
		return nil, &ValidationError{Field: "code", Rule: "must not be empty"}
	}
	var (
		ans *tokenAnswer
		err error
	)
	if cfg.Platform == InstagramLogin {
		form := url.Values{
			"client_id":     {cfg.ClientID},
			"client_secret": {cfg.ClientSecret},
			"grant_type":    {"authorization_code"},
			"redirect_uri":  {cfg.RedirectURL},
			"code":          {code},
		}
		ans, err = s.tokenCall(ctx, http.MethodPost, cfg.tokenURL(), nil, form)
	} else {
		path, perr := s.facebookTokenPath(cfg)
		if perr != nil {
			return nil, perr
		}
		q := url.Values{
			"client_id":     {cfg.ClientID},
			"client_secret": {cfg.ClientSecret},
			"redirect_uri":  {cfg.RedirectURL},
			"code":          {code},
		}
		ans, err = s.tokenCall(ctx, http.MethodGet, path, q, nil)
	}
	if err != nil {
		return nil, classifyCodeError(err)
	}
	return ans.token(time.Now(), ShortLivedTokenLifetime), nil
}

// facebookTokenPath is cfg.TokenURL or, by default, /oauth/access_token on
// the client's Graph host.
func (s *AuthService) facebookTokenPath(cfg *OAuthConfig) (string, error) {
	if cfg.TokenURL != "" {
		return cfg.TokenURL, nil
	}
	if err := s.requirePlatform(FacebookLogin, "the Facebook Login token exchange"); err != nil {
		return "", err
	}
	return "oauth/access_token", nil
}

// ExchangeLongLived trades a short-lived user token for a long-lived one
// (about 60 days): grant_type=ig_exchange_token on graph.instagram.com for
// Instagram Login, fb_exchange_token on graph.facebook.com for Facebook
// Login. Call it server-side, on a client of cfg's platform. The user id
// and permissions of short carry over to the result.
//
// Meta API: GET /access_token
// Meta API: GET /oauth/access_token
func (s *AuthService) ExchangeLongLived(ctx context.Context, cfg *OAuthConfig, short *Token) (*Token, error) {
	return s.exchangeLongLived(ctx, cfg, short, time.Now)
}

func (s *AuthService) exchangeLongLived(ctx context.Context, cfg *OAuthConfig, short *Token, now func() time.Time) (*Token, error) {
	if err := checkConfig(cfg, false); err != nil {
		return nil, err
	}
	if short == nil || short.AccessToken == "" {
		return nil, &ValidationError{Field: "token", Rule: "must not be empty"}
	}
	var (
		ans *tokenAnswer
		err error
	)
	if cfg.Platform == InstagramLogin {
		if err := s.requirePlatform(InstagramLogin, "ig_exchange_token"); err != nil {
			return nil, err
		}
		q := url.Values{
			"grant_type":    {"ig_exchange_token"},
			"client_secret": {cfg.ClientSecret},
			"access_token":  {short.AccessToken},
		}
		ans, err = s.tokenCall(ctx, http.MethodGet, "access_token", q, nil)
	} else {
		path, perr := s.facebookTokenPath(cfg)
		if perr != nil {
			return nil, perr
		}
		q := url.Values{
			"grant_type":        {"fb_exchange_token"},
			"client_id":         {cfg.ClientID},
			"client_secret":     {cfg.ClientSecret},
			"fb_exchange_token": {short.AccessToken},
		}
		ans, err = s.tokenCall(ctx, http.MethodGet, path, q, nil)
	}
	if err != nil {
		return nil, err
	}
	return carryOver(ans.token(now(), 0), short), nil
}

// RefreshToken extends a long-lived Instagram Login token by another 60
// days (grant_type=ig_refresh_token). Meta refreshes only tokens that are
// at least 24 hours old and not expired; an expired token is an error
// matching ErrTokenExpired. Call it on an Instagram Login client; the
// token travels as a parameter, not as the client's own token.
// RefreshingTokenSource does this automatically.
//
// Meta API: GET /refresh_access_token
func (s *AuthService) RefreshToken(ctx context.Context, tok *Token) (*Token, error) {
	return s.refreshToken(ctx, tok, time.Now)
}

func (s *AuthService) refreshToken(ctx context.Context, tok *Token, now func() time.Time) (*Token, error) {
	if tok == nil || tok.AccessToken == "" {
		return nil, &ValidationError{Field: "token", Rule: "must not be empty"}
	}
	if err := s.requirePlatform(InstagramLogin, "ig_refresh_token"); err != nil {
		return nil, err
	}
	q := url.Values{
		"grant_type":   {"ig_refresh_token"},
		"access_token": {tok.AccessToken},
	}
	ans, err := s.tokenCall(ctx, http.MethodGet, "refresh_access_token", q, nil)
	if err != nil {
		return nil, err
	}
	return carryOver(ans.token(now(), 0), tok), nil
}

// codeError is a rejected authorization code: it matches its kind
// (ErrCodeInvalid or ErrCodeExpired) and unwraps to Meta's *Error.
type codeError struct {
	kind error
	err  error
}

func (e *codeError) Error() string        { return e.err.Error() }
func (e *codeError) Unwrap() error        { return e.err }
func (e *codeError) Is(target error) bool { return target == e.kind }

// classifyCodeError recognises Meta's answers about bad codes: the flat
// {"error_type":"OAuthException","code":400,"error_message":...} of
// api.instagram.com and Facebook's code 100 with subcodes 36007 (expired),
// 36008 (issued for another redirect_uri) and 36009 (already used).
func classifyCodeError(err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	var kind error
	switch e.Subcode {
	case 36007:
		kind = ErrCodeExpired
	case 36008, 36009:
		kind = ErrCodeInvalid
	default:
		m := strings.ToLower(e.Message)
		switch {
		case !strings.Contains(m, "code"):
		case strings.Contains(m, "expired"):
			kind = ErrCodeExpired
		case strings.Contains(m, "not found"), strings.Contains(m, "already used"), strings.Contains(m, "been used"),
			strings.Contains(m, "invalid"), strings.Contains(m, "validating verification code"):
			kind = ErrCodeInvalid
		}
	}
	if kind == nil {
		return err
	}
	return &codeError{kind: kind, err: err}
}
