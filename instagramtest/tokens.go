package instagramtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// tokenKind tells which login flow a token comes from.
type tokenKind int

const (
	tokenInstagram    tokenKind = iota + 1 // Instagram Login user token (IGAA...)
	tokenFacebookUser                      // Facebook Login user token (EAA...)
	tokenPage                              // Facebook Page token (EAA...)
	tokenApp                               // app token APPID|APPSECRET
)

// hostSet says on which host style something exists.
type hostSet uint8

const (
	onInstagram hostSet = 1 << iota // Instagram Login, graph.instagram.com
	onFacebook                      // Facebook Login, graph.facebook.com
	onBoth      = onInstagram | onFacebook
)

// token is an access token the server knows.
type token struct {
	value   string
	kind    tokenKind
	subject string    // the id /me resolves to ("" for app tokens)
	account string    // the Instagram account the token acts for ("" for app tokens)
	issued  time.Time // server time of issue
	expires time.Time // zero: never
	scopes  []string
}

// hasScope reports whether the token was granted a permission.
func (t *token) hasScope(scope string) bool {
	for _, s := range t.scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// Scopes granted to tokens minted without an explicit list.
var (
	instagramScopes = []string{
		"instagram_business_basic", "instagram_business_content_publish",
		"instagram_business_manage_messages", "instagram_business_manage_comments",
		"instagram_business_manage_insights",
	}
	facebookScopes = []string{
		"instagram_basic", "instagram_content_publish", "instagram_manage_comments",
		"instagram_manage_insights", "instagram_manage_messages", "pages_show_list",
		"pages_read_engagement", "pages_manage_metadata", "business_management",
	}
)

// longLived is the lifetime of the seeded tokens.
const longLived = 60 * 24 * time.Hour

// issueToken mints and registers a token. subject is what /me resolves to,
// account the Instagram account it acts for; ttl <= 0 means it never
// expires; nil scopes grant every scope of the token's login flow.
// Callers hold s.mu or run during setup.
func (s *Server) issueToken(kind tokenKind, subject, account string, ttl time.Duration, scopes []string) *token {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	rng := s.tokenRand
	prefix, n := "EAA", 180
	if kind == tokenInstagram {
		prefix, n = "IGAA", 150
	}
	var b strings.Builder
	for {
		b.Reset()
		b.WriteString(prefix)
		for i := 0; i < n; i++ {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		if _, dup := s.tokens[b.String()]; !dup {
			break
		}
	}
	if scopes == nil {
		scopes = facebookScopes
		if kind == tokenInstagram {
			scopes = instagramScopes
		}
	}
	now := s.now()
	t := &token{value: b.String(), kind: kind, subject: subject, account: account, issued: now,
		scopes: append([]string(nil), scopes...)}
	if ttl > 0 {
		t.expires = now.Add(ttl)
	}
	s.tokens[t.value] = t
	return t
}

// IssueToken mints a new Instagram Login token for the seeded account,
// valid for ttl of server time (ttl <= 0: it never expires). Without scopes
// it has every Instagram Login scope.
func (s *Server) IssueToken(ttl time.Duration, scopes ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueToken(tokenInstagram, s.UserID, s.UserID, ttl, nilIfEmpty(scopes)).value
}

// IssueFacebookToken mints a new Facebook Login user token of the Facebook
// user, acting for the seeded account, valid for ttl (<= 0: no expiry).
func (s *Server) IssueFacebookToken(ttl time.Duration, scopes ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueToken(tokenFacebookUser, s.FacebookUserID, s.UserID, ttl, nilIfEmpty(scopes)).value
}

// ExpiredToken mints an Instagram Login token for the seeded account that
// expired an hour ago: calls with it fail with code 190, subcode 463.
func (s *Server) ExpiredToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.issueToken(tokenInstagram, s.UserID, s.UserID, time.Hour, nil)
	t.issued = t.issued.Add(-2 * time.Hour)
	t.expires = t.issued.Add(time.Hour)
	return t.value
}

// AppAccessToken returns the app token, AppID + "|" + AppSecret.
func (s *Server) AppAccessToken() string { return s.AppID + "|" + s.AppSecret }

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// lookupToken finds a token by value; app tokens are recognised by form.
func (s *Server) lookupToken(v string) *token {
	if t := s.tokens[v]; t != nil {
		return t
	}
	if v == s.AppAccessToken() {
		return &token{value: v, kind: tokenApp}
	}
	return nil
}

// tokenValue extracts the token of a call: the Authorization header
// ("Bearer" or "OAuth" scheme) first, then the access_token parameter.
func (c *call) tokenValue() string {
	if a := strings.TrimSpace(c.r.Header.Get("Authorization")); a != "" {
		scheme, rest, _ := strings.Cut(a, " ")
		if strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "OAuth") {
			return strings.TrimSpace(rest)
		}
	}
	return c.param("access_token")
}

// metaTime formats an expiry the way Meta's token errors do.
func metaTime(t time.Time) string {
	return t.UTC().Format("Monday, 02-Jan-06 15:04:05 MST")
}

// authorize checks the caller's token, appsecret_proof and rate budget,
// and answers the error itself when one fails. Node and edge handlers run
// after it; graph and raw handlers call it when they need a token.
func (c *call) authorize() bool {
	if c.tok != nil {
		return true
	}
	v := c.tokenValue()
	if v == "" {
		c.fail(errTokenRequired())
		return false
	}
	t := c.s.lookupToken(v)
	if t == nil {
		c.fail(errTokenInvalid())
		return false
	}
	now := c.s.now()
	if !t.expires.IsZero() && !now.Before(t.expires) {
		c.fail(errTokenExpired(metaTime(t.expires), metaTime(now)))
		return false
	}
	if e := c.checkProof(t, now); e != nil {
		c.fail(e)
		return false
	}
	if e := c.s.countCall(c.w.Header(), t); e != nil {
		c.fail(e)
		return false
	}
	c.tok = t
	return true
}

// checkProof verifies appsecret_proof: hex HMAC-SHA256 of the token keyed
// with the app secret, or, with appsecret_time, of token + "|" + time,
// which stays valid for five minutes.
func (c *call) checkProof(t *token, now time.Time) *graphError {
	proof := c.param("appsecret_proof")
	if proof == "" {
		if c.s.cfg.requireProof && t.kind != tokenApp {
			return errProofMissing()
		}
		return nil
	}
	msg := t.value
	if ts := c.param("appsecret_time"); ts != "" {
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return errProofInvalid()
		}
		at := time.Unix(sec, 0)
		if now.Sub(at) > 5*time.Minute || at.Sub(now) > 5*time.Minute {
			return errProofInvalid()
		}
		msg = t.value + "|" + ts
	}
	if !hmac.Equal([]byte(strings.ToLower(proof)), []byte(appSecretProof(c.s.AppSecret, msg))) {
		return errProofInvalid()
	}
	return nil
}

func appSecretProof(secret, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// host tells which host style the caller sees: Instagram Login tokens see
// graph.instagram.com, every other token graph.facebook.com.
func (c *call) host() hostSet {
	if c.tok != nil && c.tok.kind == tokenInstagram {
		return onInstagram
	}
	return onFacebook
}
