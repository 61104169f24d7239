package instagramtest

import (
	"cmp"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	instagram "github.com/igsdk/instagram"
)

// The login flows of both APIs:
//
//   - GET /oauth/authorize (Instagram's authorization window) and
//     GET /{version}/dialog/oauth (Facebook Login's dialog) approve at once
//     and redirect to redirect_uri with a code (Instagram adds "#_"), or,
//     after DenyAuthorization(true), with Meta's refusal parameters;
//   - POST /oauth/access_token exchanges an Instagram Login code, answering
//     in the flat shape of api.instagram.com (user_id as a JSON number) and
//     failing with {"error_type","code","error_message"};
//   - GET /{version}/oauth/access_token exchanges a Facebook Login code, or
//     with grant_type=fb_exchange_token a short-lived Facebook token;
//   - GET /access_token (ig_exchange_token) and GET /refresh_access_token
//     (ig_refresh_token), versioned or not, as on graph.instagram.com;
//   - GET /{version}/debug_token and GET /me/accounts for Facebook Login.
//
// Codes are single-use and expire after an hour of server time. Every token
// minted here is registered like the seeded ones and works for the rest of
// the API.

// Lifetimes of what the login flows mint.
const (
	codeLifetime       = time.Hour
	shortTokenLifetime = time.Hour
	refreshMinAge      = 24 * time.Hour
	dataAccessLifetime = 90 * 24 * time.Hour
)

// appName is the app's name in debug_token answers.
const appName = "instagramtest"

// oauthState is the state of the login flows.
type oauthState struct {
	codes map[string]*authCode
	deny  bool
	rng   *rand.Rand
}

// authCode is an authorization code handed out by an authorize route.
type authCode struct {
	kind     tokenKind // tokenInstagram or tokenFacebookUser
	redirect string
	scopes   []string // nil: every scope of the flow
	issued   time.Time
	used     bool
}

func setupOAuth(s *Server) {
	st := ext[oauthState](s)
	st.codes = map[string]*authCode{}
	st.rng = s.rand("oauth")

	s.handleRaw("GET /oauth/authorize", func(c *call) { authorizeRoute(c, tokenInstagram) })
	s.handleGraph("GET /dialog/oauth", func(c *call) { authorizeRoute(c, tokenFacebookUser) })
	s.handleRaw("POST /oauth/access_token", instagramCodeExchange)
	s.handleGraph("GET /oauth/access_token", facebookAccessToken)
	s.handleGraph("GET /access_token", instagramLongLived)
	s.handleRaw("GET /access_token", instagramLongLived)
	s.handleGraph("GET /refresh_access_token", instagramRefresh)
	s.handleRaw("GET /refresh_access_token", instagramRefresh)
	s.handleGraph("GET /debug_token", debugToken)

	fieldOf(s.kind(kindPage), "tasks", onFacebook, func(_ *call, _ *page) (any, bool) {
		return []string{"ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"}, true
	})
	s.listEdge(kindFBUser, "accounts", onFacebook, func(c *call, id string) ([]string, *graphError) {
		if c.tok.kind != tokenFacebookUser || !c.tok.hasScope("pages_show_list") {
			return nil, newError(http.StatusForbidden, 200, 0, typeOAuth,
				"(#200) Requires pages_show_list permission to list the Pages of the user")
		}
		var out []string
		for oid, o := range c.s.objects {
			if o.kind == kindPage {
				out = append(out, oid)
			}
		}
		sortIDs(out)
		return out, nil
	}, "id", "name", "category", "access_token")
}

// sortIDs orders ids numerically (they have the same length) and then
// lexically, so that paging is stable.
func sortIDs(ids []string) {
	slices.SortFunc(ids, func(a, b string) int {
		if len(a) != len(b) {
			return cmp.Compare(len(a), len(b))
		}
		return strings.Compare(a, b)
	})
}

// DenyAuthorization makes the authorize routes refuse (deny true), as when
// the user cancels: they redirect with error=access_denied and
// error_reason=user_denied instead of a code. false approves again.
func (s *Server) DenyAuthorization(deny bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ext[oauthState](s).deny = deny
}

// OAuthConfig returns a login configuration for the server's app (AppID,
// AppSecret) whose authorization and code exchange URLs point at the
// server. Use it with a client from Client (Instagram Login) or
// FacebookClient (Facebook Login) for the calls on the Graph host.
func (s *Server) OAuthConfig(platform instagram.Platform, redirectURL string, scopes ...instagram.Scope) *instagram.OAuthConfig {
	cfg := &instagram.OAuthConfig{
		Platform:     platform,
		ClientID:     s.AppID,
		ClientSecret: s.AppSecret,
		RedirectURL:  redirectURL,
		Scopes:       scopes,
	}
	if platform == instagram.FacebookLogin {
		cfg.AuthURL = s.URL + "/" + instagram.DefaultAPIVersion + "/dialog/oauth"
	} else {
		cfg.AuthURL = s.URL + "/oauth/authorize"
		cfg.TokenURL = s.URL + "/oauth/access_token"
	}
	return cfg
}

// splitScopes reads a scope parameter, comma or space separated.
func splitScopes(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
}

// authorizeRoute is the authorization window: it approves at once, or
// refuses after DenyAuthorization(true).
func authorizeRoute(c *call, kind tokenKind) {
	st := ext[oauthState](c.s)
	if c.param("client_id") != c.s.AppID {
		c.fail(newError(http.StatusBadRequest, 101, 0, typeOAuth, "Error validating application. Invalid application ID."))
		return
	}
	redirect := c.param("redirect_uri")
	u, err := url.Parse(redirect)
	if redirect == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.fail(errParam("redirect_uri must be an absolute http or https URL"))
		return
	}
	if rt := c.param("response_type"); rt != "" && rt != "code" {
		c.fail(errParam("response_type must be code"))
		return
	}
	// Business Login for Instagram: enable_fb_login and
	// force_authentication take 0 or 1 (true and false are tolerated).
	for _, p := range []string{"enable_fb_login", "force_authentication"} {
		if kind == tokenInstagram && c.hasParam(p) && !slices.Contains([]string{"0", "1", "true", "false"}, c.param(p)) {
			c.fail(errParam("%s must be 0 or 1", p))
			return
		}
	}
	scopes := splitScopes(c.param("scope"))
	// Facebook Login for Business: config_id names a configuration whose
	// permissions replace scope.
	if c.hasParam("config_id") {
		if kind != tokenFacebookUser {
			c.fail(errParam("config_id is a parameter of Facebook Login for Business"))
			return
		}
		if id := c.param("config_id"); id == "" || strings.Trim(id, "0123456789") != "" {
			c.fail(errParam("Invalid config_id %q", id))
			return
		}
		scopes = nil
	}
	q := u.Query()
	if st.deny {
		q.Set("error", "access_denied")
		q.Set("error_reason", "user_denied")
		q.Set("error_description", "The user denied your request")
		if kind == tokenFacebookUser {
			q.Set("error_code", "200")
			q.Set("error_description", "Permissions error")
		}
	} else {
		code := newCode(st.rng)
		st.codes[code] = &authCode{kind: kind, redirect: redirect, scopes: scopes, issued: c.s.now()}
		q.Set("code", code)
		if kind == tokenInstagram {
			u.Fragment = "_"
		}
	}
	if c.hasParam("state") {
		q.Set("state", c.param("state"))
	}
	u.RawQuery = q.Encode()
	h := c.w.Header()
	h.Set("Location", u.String())
	h.Set("Content-Type", "text/html; charset=utf-8")
	c.w.WriteHeader(http.StatusFound)
}

// newCode makes a code that looks like Meta's ("AQ" and base64url text).
func newCode(r *rand.Rand) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, 2, 160)
	copy(b, "AQ")
	for range 150 {
		b = append(b, alphabet[r.IntN(len(alphabet))])
	}
	return string(b)
}

// oauthFlatError is api.instagram.com's error shape.
type oauthFlatError struct {
	ErrorType    string `json:"error_type"`
	Code         int    `json:"code"`
	ErrorMessage string `json:"error_message"`
}

func failFlat(c *call, msg string) {
	c.writeJSON(http.StatusBadRequest, oauthFlatError{ErrorType: typeOAuth, Code: http.StatusBadRequest, ErrorMessage: msg})
}

// codeProblem checks a code for the flow of kind; it returns "" when the
// code can be exchanged, else what is wrong: "unknown", "used", "expired"
// or "redirect".
func codeProblem(c *call, kind tokenKind, code, redirect string) (string, *authCode) {
	ac := ext[oauthState](c.s).codes[code]
	switch {
	case ac == nil || ac.kind != kind:
		return "unknown", nil
	case ac.used:
		return "used", ac
	case !c.s.now().Before(ac.issued.Add(codeLifetime)):
		return "expired", ac
	case ac.redirect != redirect:
		return "redirect", ac
	}
	return "", ac
}

// instagramCodeExchange is POST https://api.instagram.com/oauth/access_token.
func instagramCodeExchange(c *call) {
	for _, p := range []string{"client_id", "client_secret", "grant_type", "redirect_uri", "code"} {
		if c.param(p) == "" {
			failFlat(c, "Missing required field "+p)
			return
		}
	}
	switch {
	case c.param("client_id") != c.s.AppID:
		failFlat(c, "Invalid platform app")
		return
	case c.param("client_secret") != c.s.AppSecret:
		failFlat(c, "Error validating client secret.")
		return
	case c.param("grant_type") != "authorization_code":
		failFlat(c, "Unsupported grant_type: authorization_code is required")
		return
	}
	problem, ac := codeProblem(c, tokenInstagram, c.param("code"), c.param("redirect_uri"))
	switch problem {
	case "unknown", "used":
		failFlat(c, "Matching code was not found or was already used")
		return
	case "expired":
		failFlat(c, "This authorization code has expired")
		return
	case "redirect":
		failFlat(c, "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request")
		return
	}
	ac.used = true
	t := c.s.issueToken(tokenInstagram, c.s.UserID, c.s.UserID, shortTokenLifetime, ac.scopes)
	c.writeJSON(http.StatusOK, struct {
		AccessToken string      `json:"access_token"`
		UserID      json.Number `json:"user_id"`
		Permissions []string    `json:"permissions"`
	}{t.value, json.Number(c.s.UserID), t.scopes})
}

// writeTokenAnswer answers an exchange or a refresh with a fresh token.
func writeTokenAnswer(c *call, t *token) {
	c.writeJSON(http.StatusOK, struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}{t.value, "bearer", int64(t.expires.Sub(t.issued) / time.Second)})
}

// facebookAccessToken is GET graph.facebook.com/{version}/oauth/access_token:
// a code exchange, or fb_exchange_token.
func facebookAccessToken(c *call) {
	for _, p := range []string{"client_id", "client_secret"} {
		if c.param(p) == "" {
			c.fail(errParam("Missing %s parameter.", p))
			return
		}
	}
	switch {
	case c.param("client_id") != c.s.AppID:
		c.fail(newError(http.StatusBadRequest, 101, 0, typeOAuth, "Error validating application. Invalid application ID."))
		return
	case c.param("client_secret") != c.s.AppSecret:
		c.fail(newError(http.StatusBadRequest, 100, 0, typeOAuth, "Error validating client secret."))
		return
	}
	if c.param("grant_type") == "fb_exchange_token" {
		short := c.s.lookupToken(c.param("fb_exchange_token"))
		now := c.s.now()
		switch {
		case short == nil || short.kind != tokenFacebookUser:
			c.fail(errTokenInvalid())
		case !short.expires.IsZero() && !now.Before(short.expires):
			c.fail(errTokenExpired(metaTime(short.expires), metaTime(now)))
		default:
			writeTokenAnswer(c, c.s.issueToken(tokenFacebookUser, short.subject, short.account, longLived, short.scopes))
		}
		return
	}
	if c.param("redirect_uri") == "" {
		c.fail(errParam("Missing redirect_uri parameter."))
		return
	}
	if c.param("code") == "" {
		c.fail(errParam("Missing authorization code"))
		return
	}
	problem, ac := codeProblem(c, tokenFacebookUser, c.param("code"), c.param("redirect_uri"))
	switch problem {
	case "unknown":
		c.fail(newError(http.StatusBadRequest, 100, 0, typeOAuth, "Invalid verification code format."))
		return
	case "used":
		c.fail(newError(http.StatusBadRequest, 100, 36009, typeOAuth, "This authorization code has been used."))
		return
	case "expired":
		c.fail(newError(http.StatusBadRequest, 100, 36007, typeOAuth, "This authorization code has expired."))
		return
	case "redirect":
		c.fail(newError(http.StatusBadRequest, 100, 36008, typeOAuth,
			"Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request"))
		return
	}
	ac.used = true
	writeTokenAnswer(c, c.s.issueToken(tokenFacebookUser, c.s.FacebookUserID, c.s.UserID, shortTokenLifetime, ac.scopes))
}

// instagramToken authorizes a call made with an Instagram Login token in
// its access_token parameter.
func instagramToken(c *call) bool {
	if !c.authorize() {
		return false
	}
	if c.tok.kind != tokenInstagram {
		c.fail(errTokenInvalid())
		return false
	}
	return true
}

// instagramLongLived is GET graph.instagram.com/access_token with
// grant_type=ig_exchange_token.
func instagramLongLived(c *call) {
	if c.param("grant_type") != "ig_exchange_token" {
		c.fail(errParam("grant_type must be ig_exchange_token"))
		return
	}
	if c.param("client_secret") == "" {
		c.fail(errParam("Missing client_secret parameter."))
		return
	}
	if c.param("client_secret") != c.s.AppSecret {
		c.fail(newError(http.StatusBadRequest, 101, 0, typeOAuth, "Error validating client secret."))
		return
	}
	if !instagramToken(c) {
		return
	}
	t := c.tok
	writeTokenAnswer(c, c.s.issueToken(tokenInstagram, t.subject, t.account, longLived, t.scopes))
}

// instagramRefresh is GET graph.instagram.com/refresh_access_token with
// grant_type=ig_refresh_token: the token must be unexpired (else 190/463),
// at least 24 hours old and hold instagram_business_basic.
func instagramRefresh(c *call) {
	if c.param("grant_type") != "ig_refresh_token" {
		c.fail(errParam("grant_type must be ig_refresh_token"))
		return
	}
	if !instagramToken(c) {
		return
	}
	t := c.tok
	if c.s.now().Sub(t.issued) < refreshMinAge {
		c.fail(errParam("The access token must be at least 24 hours old to be refreshed"))
		return
	}
	if !t.hasScope("instagram_business_basic") {
		c.fail(newError(http.StatusForbidden, 10, 0, typeOAuth,
			"(#10) Refreshing a token requires the instagram_business_basic permission"))
		return
	}
	writeTokenAnswer(c, c.s.issueToken(tokenInstagram, t.subject, t.account, longLived, t.scopes))
}

// debugToken is GET graph.facebook.com/{version}/debug_token.
func debugToken(c *call) {
	if !c.authorize() {
		return
	}
	if c.tok.kind == tokenInstagram {
		c.fail(errUnknownPath("/debug_token"))
		return
	}
	in := c.param("input_token")
	if in == "" {
		c.fail(errParam("The parameter input_token is required"))
		return
	}
	t := c.s.lookupToken(in)
	if t == nil {
		c.writeJSON(http.StatusOK, map[string]any{"data": map[string]any{
			"error":    map[string]any{"code": 190, "message": "Invalid OAuth access token."},
			"is_valid": false,
			"scopes":   []string{},
		}})
		return
	}
	now := c.s.now()
	d := newObject().set("app_id", c.s.AppID)
	switch t.kind {
	case tokenApp:
		d.set("type", "APP")
	case tokenPage:
		d.set("type", "PAGE").set("profile_id", t.subject).set("user_id", c.s.FacebookUserID)
	default:
		d.set("type", "USER").set("user_id", t.subject)
	}
	d.set("application", appName)
	valid := t.expires.IsZero() || now.Before(t.expires)
	if t.kind != tokenApp {
		exp := int64(0)
		if !t.expires.IsZero() {
			exp = t.expires.Unix()
		}
		d.set("data_access_expires_at", t.issued.Add(dataAccessLifetime).Unix()).
			set("expires_at", exp).
			set("issued_at", t.issued.Unix())
	}
	d.set("is_valid", valid)
	if !valid {
		d.set("error", map[string]any{
			"code": 190, "subcode": 463,
			"message": "Error validating access token: Session has expired on " + metaTime(t.expires) + ". The current time is " + metaTime(now) + ".",
		})
	}
	scopes := append([]string{}, t.scopes...)
	d.set("scopes", scopes)
	if t.kind == tokenFacebookUser || t.kind == tokenPage {
		var gs []any
		for _, sc := range scopes {
			switch {
			case strings.HasPrefix(sc, "instagram_"):
				gs = append(gs, map[string]any{"scope": sc, "target_ids": []string{t.account}})
			case strings.HasPrefix(sc, "pages_"):
				gs = append(gs, map[string]any{"scope": sc, "target_ids": []string{c.s.PageID}})
			default:
				gs = append(gs, map[string]any{"scope": sc})
			}
		}
		d.set("granular_scopes", gs)
	}
	c.writeJSON(http.StatusOK, map[string]any{"data": d})
}
