package instagram_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

const (
	leakToken        = "IGAAleaktokenSENTINEL1234567890"
	leakAppSecret    = "appsecretSENTINEL0987"
	leakClientSecret = "clientsecretSENTINEL5555"
	leakCode         = "AQcodeSENTINEL4242"
)

// echoAll answers with a body and headers that repeat every credential the
// request carried, in every shape a careless proxy might use.
func echoAll(status int) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		var form string
		if r.Body != nil {
			b := new(bytes.Buffer)
			_, _ = b.ReadFrom(r.Body)
			form = b.String()
		}
		body := `{"error":{"message":"failed ` + r.URL.String() + ` auth=` + r.Header.Get("Authorization") + ` form=` + form +
			`","type":"OAuthException","code":100,"error_user_msg":"` + leakToken + `","fbtrace_id":"x"}}`
		if status >= 500 {
			body = "<html>" + r.URL.String() + " " + r.Header.Get("Authorization") + " " + form + "</html>"
		}
		return httpmock.NewStringResponse(status, body), nil
	}
}

// TestNoSecretsInErrorsOrLogs drives the error paths of the SDK with
// sentinel credentials and checks that no error text and no log line
// carries any of them.
func TestNoSecretsInErrorsOrLogs(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	mt := httpmock.NewMockTransport()
	hc := &http.Client{Transport: mt}
	c, err := instagram.NewClient(instagram.WithAccessToken(leakToken), instagram.WithAppSecret(leakAppSecret),
		instagram.WithHTTPClient(hc), instagram.WithBaseURL(testBase), instagram.WithLogger(logger),
		instagram.WithRetryPolicy(instagram.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Microsecond}))
	require.NoError(t, err)
	fb, err := instagram.NewClient(instagram.WithAccessToken(leakToken), instagram.WithAppSecret(leakAppSecret),
		instagram.WithHTTPClient(hc), instagram.WithBaseURL(testBase), instagram.WithLogger(logger),
		instagram.WithPlatform(instagram.FacebookLogin), instagram.WithRetryPolicy(instagram.NoRetries))
	require.NoError(t, err)
	ctx := context.Background()
	var errs []error
	record := func(_ any, err error) {
		require.Error(t, err)
		errs = append(errs, err)
	}

	// 4xx and 5xx answers that echo the request.
	mt.RegisterResponder("GET", testBase+"/v25.0/400", echoAll(400))
	mt.RegisterResponder("GET", testBase+"/v25.0/500", echoAll(500))
	record(c.Media.Get(ctx, "400", nil))
	record(c.Media.Get(ctx, "500", nil))
	// Bad and expired tokens.
	mt.RegisterResponder("GET", testBase+"/v25.0/expired", jsonResponder(400, string(fixture(t, "errors/token_expired.json"))))
	mt.RegisterResponder("GET", testBase+"/v25.0/invalid", jsonResponder(400, string(fixture(t, "errors/token_invalid.json"))))
	record(c.Media.Get(ctx, "expired", nil))
	record(c.Media.Get(ctx, "invalid", nil))
	// Network errors whose text carries the whole URL and header.
	mt.RegisterResponder("GET", testBase+"/v25.0/net", func(r *http.Request) (*http.Response, error) {
		return nil, errors.New("dial tcp: lookup failed for " + r.URL.String() + " with " + r.Header.Get("Authorization"))
	})
	record(c.Media.Get(ctx, "net", nil))
	// A redirect to a URL that carries the token in its query.
	mt.RegisterResponder("GET", testBase+"/v25.0/redirect", func(r *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(302, "")
		resp.Header.Set("Location", "https://elsewhere.test/x?access_token="+leakToken+"&appsecret_proof="+instagram.AppSecretProof(leakAppSecret, leakToken))
		return resp, nil
	})
	record(c.Media.Get(ctx, "redirect", nil))
	// Context cancellation.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	mt.RegisterResponder("GET", testBase+"/v25.0/cancel", echoAll(200))
	record(c.Media.Get(cctx, "cancel", nil))

	// OAuth failures: code exchange, long-lived exchange, refresh, debug.
	mt.RegisterResponder("POST", "https://oauth.test/access_token", echoAll(400))
	mt.RegisterResponder("GET", testBase+"/v25.0/oauth/access_token", echoAll(400))
	mt.RegisterResponder("GET", testBase+"/v25.0/access_token", echoAll(500))
	mt.RegisterResponder("GET", testBase+"/v25.0/refresh_access_token", echoAll(400))
	mt.RegisterResponder("GET", testBase+"/v25.0/debug_token", echoAll(400))
	igCfg := instagram.InstagramLoginConfig("1234", leakClientSecret, "https://app.test/cb")
	igCfg.TokenURL = "https://oauth.test/access_token"
	fbCfg := instagram.FacebookLoginConfig("1234", leakClientSecret, "https://app.test/cb")
	record(c.Auth.ExchangeCode(ctx, igCfg, leakCode+"#_"))
	record(fb.Auth.ExchangeCode(ctx, fbCfg, leakCode))
	short := &instagram.Token{AccessToken: leakToken}
	record(c.Auth.ExchangeLongLived(ctx, igCfg, short))
	record(fb.Auth.ExchangeLongLived(ctx, fbCfg, short))
	record(c.Auth.RefreshToken(ctx, short))
	record(fb.Auth.DebugToken(ctx, leakToken, nil))
	_, err = instagram.ParseRedirect(&url.URL{RawQuery: "code=" + leakCode + "&state=wrong"}, "right")
	record(nil, err)

	// The fake server: an expired token and a refresh that Meta refuses.
	srv := instagramtest.NewServer()
	defer srv.Close()
	expired, err := srv.Client(instagram.WithAccessToken(srv.ExpiredToken()), instagram.WithLogger(logger), instagram.WithAppSecret(srv.AppSecret))
	require.NoError(t, err)
	record(expired.Users.Me(ctx, nil))
	record(expired.Auth.RefreshToken(ctx, &instagram.Token{AccessToken: srv.ExpiredToken()}))

	secrets := []string{leakToken, leakAppSecret, leakClientSecret, leakCode,
		instagram.AppSecretProof(leakAppSecret, leakToken), srv.ExpiredToken(), srv.AppSecret,
		instagram.AppSecretProof(srv.AppSecret, srv.ExpiredToken())}
	require.Len(t, errs, 16)
	for _, e := range errs {
		text := e.Error() + " " + strings.ReplaceAll(strings.ReplaceAll(e.Error(), "%7C", "|"), "%23", "#")
		for _, s := range secrets {
			assert.NotContains(t, text, s, "error %q leaks a credential", e.Error())
		}
	}
	out := logs.String()
	require.NotEmpty(t, out, "the logger saw the requests")
	for _, s := range secrets {
		assert.NotContains(t, out, s, "the log leaks a credential")
	}
}
