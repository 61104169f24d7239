package instagram

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// This file holds the fmt and log/slog methods of the types that hold
// credentials, so that %v, %+v, %#v and slog.Any never show a token, an app
// or client secret or a proof. They have value receivers where the type
// allows it, so values format as safely as pointers.

// String describes the token without revealing it.
func (t Token) String() string {
	var b strings.Builder
	b.WriteString("Token{access_token: REDACTED")
	if t.UserID != "" {
		b.WriteString(", user_id: " + t.UserID)
	}
	if !t.Expiry.IsZero() {
		b.WriteString(", expiry: " + t.Expiry.UTC().Format(time.RFC3339))
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String, so that %#v does not print the token either.
func (t Token) GoString() string { return t.String() }

// LogValue describes the token to log/slog without revealing it.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_token", "REDACTED"),
		slog.String("user_id", t.UserID),
		slog.Time("expiry", t.Expiry),
	)
}

// redacted stands for a credential: "REDACTED" when set, "" when not.
func redacted(s string) string {
	if s == "" {
		return ""
	}
	return "REDACTED"
}

// String describes the configuration without its client secret.
func (c OAuthConfig) String() string {
	return fmt.Sprintf("OAuthConfig{Platform: %v, ClientID: %s, ClientSecret: %s, RedirectURL: %s, Scopes: %v, AuthURL: %s, TokenURL: %s, APIVersion: %s}",
		c.Platform, c.ClientID, redacted(c.ClientSecret), c.RedirectURL, c.Scopes, c.AuthURL, c.TokenURL, c.APIVersion)
}

// GoString is String, so that %#v hides the client secret too.
func (c OAuthConfig) GoString() string { return c.String() }

// LogValue describes the configuration to log/slog without its secret.
func (c OAuthConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("platform", c.Platform.String()),
		slog.String("client_id", c.ClientID),
		slog.String("client_secret", redacted(c.ClientSecret)),
		slog.String("redirect_url", c.RedirectURL),
	)
}

// String describes the options without the token they carry.
func (o DebugTokenOptions) String() string {
	return "DebugTokenOptions{AccessToken: " + redacted(o.AccessToken) + "}"
}

// GoString is String.
func (o DebugTokenOptions) GoString() string { return o.String() }

// LogValue hides the token from log/slog.
func (o DebugTokenOptions) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_token", redacted(o.AccessToken)))
}

// String describes the response without its headers, whose values may
// echo credentials.
func (r Response) String() string {
	return fmt.Sprintf("Response{StatusCode: %d, APIVersion: %s, TraceID: %s, Attempts: %d}",
		r.StatusCode, r.APIVersion, r.TraceID, r.Attempts)
}

// GoString is String.
func (r Response) GoString() string { return r.String() }

// LogValue describes the response to log/slog without its headers.
func (r Response) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int("status", r.StatusCode),
		slog.String("api_version", r.APIVersion),
		slog.String("trace_id", r.TraceID),
		slog.Int("attempts", r.Attempts),
	)
}

// String describes the client without its credentials. A Client is used
// through its pointer and must not be copied.
func (c *Client) String() string {
	if c == nil {
		return "<nil>"
	}
	return fmt.Sprintf("instagram.Client{platform: %v, base: %s, version: %s, app_secret: %s}",
		c.platform, c.baseURL, c.version, redacted(c.appSecret))
}

// GoString is String, so that %#v hides the credentials too.
func (c *Client) GoString() string { return c.String() }

// LogValue describes the client to log/slog without its credentials.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(
		slog.String("platform", c.platform.String()),
		slog.String("base", c.baseURL.String()),
		slog.String("version", c.version),
		slog.String("app_secret", redacted(c.appSecret)),
	)
}
