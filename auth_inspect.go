package instagram

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// AppAccessToken returns the app token "appID|appSecret", which
// authenticates app-level calls such as DebugToken (DebugTokenOptions) and
// the app's webhook subscriptions. It contains the secret: use it on the
// server only.
func AppAccessToken(appID, appSecret string) string { return appID + "|" + appSecret }

// TimedAppSecretProof returns the time-bound form of appsecret_proof: the
// hex HMAC-SHA256 of token + "|" + the unix time at, keyed with the app
// secret, and that time as appsecretTime. Send both, as appsecret_proof and
// appsecret_time; Meta treats the proof as expired after five minutes. The
// plain form is AppSecretProof (or the WithAppSecret option).
func TimedAppSecretProof(appSecret, token string, at time.Time) (proof, appsecretTime string) {
	appsecretTime = strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte(token + "|" + appsecretTime))
	return hex.EncodeToString(m.Sum(nil)), appsecretTime
}

// TokenInfo is what debug_token tells about a token.
type TokenInfo struct {
	// AppID is the app the token belongs to.
	AppID string
	// Application is the app's name.
	Application string
	// Type is USER, PAGE, APP or SYSTEM_USER.
	Type string
	// UserID is the user the token acts for.
	UserID string
	// ProfileID is the Page of a Page token.
	ProfileID string
	// IsValid reports whether the token works now.
	IsValid bool
	// Scopes are the granted permissions.
	Scopes []string
	// GranularScopes lists, per permission, the objects (Pages, Instagram
	// accounts, businesses) it was granted for.
	GranularScopes []GranularScope
	// ExpiresAt is when the token expires; zero means never.
	ExpiresAt time.Time
	// IssuedAt is when the token was issued (long-lived tokens).
	IssuedAt time.Time
	// DataAccessExpiresAt is when the app loses access to the user's data
	// unless the user logs in again.
	DataAccessExpiresAt time.Time
	// Error is why the token is not valid, when Meta says.
	Error *TokenInfoError
}

// GranularScope is a permission and the objects it applies to.
type GranularScope struct {
	Scope     string   `json:"scope"`
	TargetIDs []string `json:"target_ids,omitempty"`
}

// TokenInfoError is the reason debug_token gives for an invalid token.
type TokenInfoError struct {
	Code    int    `json:"code"`
	Subcode int    `json:"subcode"`
	Message string `json:"message"`
}

// UnmarshalJSON reads debug_token's data object: ids as strings or numbers,
// times as unix seconds with 0 meaning never.
func (ti *TokenInfo) UnmarshalJSON(b []byte) error {
	var raw struct {
		AppID               ID              `json:"app_id"`
		Application         string          `json:"application"`
		Type                string          `json:"type"`
		UserID              ID              `json:"user_id"`
		ProfileID           ID              `json:"profile_id"`
		IsValid             Bool            `json:"is_valid"`
		Scopes              []string        `json:"scopes"`
		GranularScopes      []GranularScope `json:"granular_scopes"`
		ExpiresAt           flexInt         `json:"expires_at"`
		IssuedAt            flexInt         `json:"issued_at"`
		DataAccessExpiresAt flexInt         `json:"data_access_expires_at"`
		Error               *struct {
			Code    flexInt `json:"code"`
			Subcode flexInt `json:"subcode"`
			Message string  `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*ti = TokenInfo{
		AppID: string(raw.AppID), Application: raw.Application, Type: raw.Type,
		UserID: string(raw.UserID), ProfileID: string(raw.ProfileID), IsValid: bool(raw.IsValid),
		Scopes: raw.Scopes, GranularScopes: raw.GranularScopes,
		ExpiresAt: unixOrZero(raw.ExpiresAt), IssuedAt: unixOrZero(raw.IssuedAt),
		DataAccessExpiresAt: unixOrZero(raw.DataAccessExpiresAt),
	}
	if raw.Error != nil {
		ti.Error = &TokenInfoError{Code: int(raw.Error.Code), Subcode: int(raw.Error.Subcode), Message: raw.Error.Message}
	}
	return nil
}

func unixOrZero(n flexInt) time.Time {
	if n <= 0 {
		return time.Time{}
	}
	return time.Unix(int64(n), 0).UTC()
}

// Err returns nil for a valid token and otherwise an *Error built from
// Meta's reason, so that errors.Is(info.Err(), ErrTokenExpired) and
// ErrInvalidToken work as for failed calls.
func (ti *TokenInfo) Err() error {
	if ti.IsValid {
		return nil
	}
	if ti.Error == nil {
		return &Error{Code: 190, Type: "OAuthException", Message: "the access token is not valid"}
	}
	return &Error{Code: ti.Error.Code, Subcode: ti.Error.Subcode, Type: "OAuthException", Message: ti.Error.Message}
}

// DebugTokenOptions authenticate a DebugToken call.
type DebugTokenOptions struct {
	// AccessToken is sent instead of the client's token: the app token
	// (AppAccessToken) or a token of the same app. Empty uses the client's
	// token.
	AccessToken string
}

// DebugToken inspects a token: whether it is valid, its app, user, scopes
// and expiry. Call it on a Facebook Login client. The inspection is
// authenticated with the client's token or opts.AccessToken (an app token
// inspects any token of the app). An invalid input token is not an error:
// TokenInfo.IsValid is false and TokenInfo.Err tells why.
//
// Meta API: GET /debug_token
func (s *AuthService) DebugToken(ctx context.Context, inputToken string, opts *DebugTokenOptions) (*TokenInfo, error) {
	if inputToken == "" {
		return nil, &ValidationError{Field: "inputToken", Rule: "must not be empty"}
	}
	if err := s.requirePlatform(FacebookLogin, "debug_token"); err != nil {
		return nil, err
	}
	q := url.Values{"input_token": {inputToken}}
	own := opts != nil && opts.AccessToken != ""
	if own {
		q.Set("access_token", opts.AccessToken)
	}
	var out struct {
		Data TokenInfo `json:"data"`
	}
	if _, err := s.client.do(ctx, &request{method: http.MethodGet, path: "debug_token", query: q, noAuth: own}, &out); err != nil {
		return nil, err
	}
	return &out.Data, nil
}

// FacebookPage is a Facebook Page the user manages, as listed by
// /me/accounts, with the Instagram professional account linked to it.
type FacebookPage struct {
	// ID is the Page id.
	ID string `json:"id"`
	// Name is the Page name.
	Name string `json:"name,omitempty"`
	// Category is the Page category.
	Category string `json:"category,omitempty"`
	// AccessToken is a Page token for the Page. String and LogValue hide
	// it.
	AccessToken string `json:"access_token,omitempty"`
	// Tasks are what the user may do on the Page (MANAGE, CREATE_CONTENT...).
	Tasks []string `json:"tasks,omitempty"`
	// InstagramBusinessAccount is the linked Instagram account, nil when
	// none is linked.
	InstagramBusinessAccount *LinkedInstagramAccount `json:"instagram_business_account,omitempty"`
}

// LinkedInstagramAccount is the Instagram professional account behind a
// Page: its id is the {ig-user-id} of the Instagram Graph API.
type LinkedInstagramAccount struct {
	ID       string `json:"id"`
	Username string `json:"username,omitempty"`
}

// String describes the Page without its token.
func (p FacebookPage) String() string {
	s := "FacebookPage{id: " + p.ID + ", name: " + strconv.Quote(p.Name)
	if p.InstagramBusinessAccount != nil {
		s += ", instagram_business_account: " + p.InstagramBusinessAccount.ID
	}
	return s + "}"
}

// LogValue describes the Page to log/slog without its token.
func (p FacebookPage) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("id", p.ID), slog.String("name", p.Name)}
	if p.InstagramBusinessAccount != nil {
		attrs = append(attrs, slog.String("instagram_business_account", p.InstagramBusinessAccount.ID))
	}
	return slog.GroupValue(attrs...)
}

// accountFields is the default field set of /me/accounts.
const accountFields = "id,name,category,access_token,tasks,instagram_business_account{id,username}"

// Accounts returns one page of the Facebook Pages the user of the client's
// token manages, each with its linked Instagram account: the way to find
// the {ig-user-id} of a Facebook Login user. Call it on a Facebook Login
// client with a user token (pages_show_list; business_management for Pages
// owned by a business).
//
// Meta API: GET /me/accounts
func (s *AuthService) Accounts(ctx context.Context, opts *ListOptions) (*Page[FacebookPage], error) {
	if err := s.requirePlatform(FacebookLogin, "/me/accounts"); err != nil {
		return nil, err
	}
	q, err := withFields(opts, accountFields)
	if err != nil {
		return nil, err
	}
	return listPage[FacebookPage](ctx, s.client, "me/accounts", q)
}

// AllAccounts iterates over every Page of Accounts, fetching further pages
// as the loop goes on.
//
// Meta API: GET /me/accounts
func (s *AuthService) AllAccounts(ctx context.Context, opts *ListOptions) iter.Seq2[FacebookPage, error] {
	if err := s.requirePlatform(FacebookLogin, "/me/accounts"); err != nil {
		return errSeq[FacebookPage](err)
	}
	q, err := withFields(opts, accountFields)
	if err != nil {
		return errSeq[FacebookPage](err)
	}
	return iterate[FacebookPage](ctx, s.client, "me/accounts", q)
}
