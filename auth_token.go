package instagram

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Token is an access token with what Meta said about it. Its String and
// LogValue methods never show the token itself; encoding/json does (to
// persist it), so treat its JSON as a secret.
type Token struct {
	// AccessToken is the token.
	AccessToken string `json:"access_token"`
	// TokenType is "bearer".
	TokenType string `json:"token_type,omitempty"`
	// UserID is the app-scoped id of the user who logged in (Instagram
	// Login code exchange). Kept as a string: the number exceeds 2^53.
	UserID string `json:"user_id,omitempty"`
	// Permissions are the scopes the user granted (Instagram Login code
	// exchange).
	Permissions []string `json:"permissions,omitempty"`
	// Expiry is when the token stops working; zero means unknown or never.
	Expiry time.Time `json:"expiry,omitzero"`
	// IssuedAt is when the SDK received the token; the refresh rules
	// count the token's age from it.
	IssuedAt time.Time `json:"issued_at,omitzero"`
}

// OAuth2 returns the token as an *oauth2.Token.
func (t *Token) OAuth2() *oauth2.Token {
	return &oauth2.Token{AccessToken: t.AccessToken, TokenType: "Bearer", Expiry: t.Expiry}
}

// Valid reports whether the token is set and not expired at now.
func (t *Token) Valid(now time.Time) bool {
	return t != nil && t.AccessToken != "" && (t.Expiry.IsZero() || now.Before(t.Expiry))
}

// tokenAnswer is every shape of the OAuth token answers: flat, or wrapped
// in "data" (an array or an object); user_id a string or a number above
// 2^53; permissions a list or a comma-separated string.
type tokenAnswer struct {
	AccessToken string         `json:"access_token"`
	TokenType   string         `json:"token_type"`
	ExpiresIn   flexInt        `json:"expires_in"`
	UserID      ID             `json:"user_id"`
	Permissions permissionList `json:"permissions"`
}

func (a *tokenAnswer) UnmarshalJSON(b []byte) error {
	type flat tokenAnswer
	var f struct {
		flat
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*a = tokenAnswer(f.flat)
	data := bytes.TrimSpace(f.Data)
	if a.AccessToken != "" || len(data) == 0 {
		return nil
	}
	switch data[0] {
	case '[':
		var list []flat
		if err := json.Unmarshal(data, &list); err != nil {
			return err
		}
		if len(list) > 0 {
			*a = tokenAnswer(list[0])
		}
	case '{':
		var one flat
		if err := json.Unmarshal(data, &one); err != nil {
			return err
		}
		*a = tokenAnswer(one)
	}
	return nil
}

// permissionList decodes ["a","b"], "a,b" and [{"permission":"a","status":"granted"}].
type permissionList []string

func (p *permissionList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*p = nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*p = strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
	case b[0] == '[':
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		out := make([]string, 0, len(raw))
		for _, r := range raw {
			var s string
			if json.Unmarshal(r, &s) == nil {
				// An entry may itself be a comma list; empty ones carry nothing.
				out = append(out, strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })...)
				continue
			}
			var obj struct{ Permission, Status string }
			if err := json.Unmarshal(r, &obj); err != nil {
				return fmt.Errorf("instagram: cannot decode permission %s", r)
			}
			if obj.Status == "" || obj.Status == "granted" {
				out = append(out, strings.FieldsFunc(obj.Permission, func(r rune) bool { return r == ',' || r == ' ' })...)
			}
		}
		*p = out
	default:
		return fmt.Errorf("instagram: cannot decode permissions %s", b)
	}
	return nil
}

// token turns the answer into a Token received at now; lifetime is used
// when the answer gives no expires_in (0: unknown).
func (a *tokenAnswer) token(now time.Time, lifetime time.Duration) *Token {
	t := &Token{
		AccessToken: a.AccessToken,
		TokenType:   a.TokenType,
		UserID:      string(a.UserID),
		Permissions: []string(a.Permissions),
		IssuedAt:    now,
	}
	switch {
	case a.ExpiresIn > 0:
		t.Expiry = now.Add(time.Duration(a.ExpiresIn) * time.Second)
	case lifetime > 0:
		t.Expiry = now.Add(lifetime)
	}
	return t
}

// carryOver copies what an exchange answer does not repeat.
func carryOver(t, from *Token) *Token {
	if t.UserID == "" {
		t.UserID = from.UserID
	}
	if len(t.Permissions) == 0 && len(from.Permissions) > 0 {
		t.Permissions = append([]string(nil), from.Permissions...)
	}
	return t
}
