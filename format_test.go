package instagram_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

// Formatting a value that holds credentials never shows them: %v, %+v, %#v
// and slog.Any, for values and pointers, and inside other structs.
func TestFormattedValuesHideSecrets(t *testing.T) {
	const tok, appSecret, clientSecret = "IGAAfmtTOKENsentinel", "APPfmtSECRETsentinel", "CLIENTfmtSECRETsentinel"
	c, err := instagram.NewClient(instagram.WithAccessToken(tok), instagram.WithAppSecret(appSecret))
	require.NoError(t, err)
	token := instagram.Token{AccessToken: tok, UserID: "1", Expiry: time.Unix(1e9, 0)}
	cfg := instagram.InstagramLoginConfig("1", clientSecret, "https://app.test/cb")
	resp := instagram.Response{StatusCode: 400, Header: http.Header{"X-Echo": {"access_token=" + tok}}}
	opts := instagram.DebugTokenOptions{AccessToken: tok}
	values := map[string]any{
		"*Client": c, "Token": token, "*Token": &token, "OAuthConfig": *cfg, "*OAuthConfig": cfg,
		"Response": resp, "*Response": &resp, "DebugTokenOptions": opts, "*DebugTokenOptions": &opts,
		"nested": struct {
			T instagram.Token
			C instagram.OAuthConfig
			R instagram.Response
		}{token, *cfg, resp},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, "sentinel", "%s with %s: %s", name, verb, out)
		}
		if name == "nested" {
			continue // slog's JSON handler marshals a plain struct with encoding/json, which persists tokens by design
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", slog.Any("v", v))
		slog.New(slog.NewTextHandler(&buf, nil)).Info("x", slog.Any("v", v))
		assert.NotContains(t, buf.String(), "sentinel", "%s with slog: %s", name, buf.String())
	}
	assert.True(t, strings.Contains(fmt.Sprint(token), "user_id: 1"), "String still describes the token")
}
