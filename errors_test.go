package instagram_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

var allSentinels = map[string]error{
	"RateLimited":     instagram.ErrRateLimited,
	"TokenExpired":    instagram.ErrTokenExpired,
	"InvalidToken":    instagram.ErrInvalidToken,
	"Permission":      instagram.ErrPermission,
	"Transient":       instagram.ErrTransient,
	"Validation":      instagram.ErrValidation,
	"NotFound":        instagram.ErrNotFound,
	"OutsideWindow":   instagram.ErrOutsideMessagingWindow,
	"Unavailable":     instagram.ErrRecipientUnavailable,
	"PublishLimit":    instagram.ErrPublishLimit,
	"SpamRestricted":  instagram.ErrSpamRestricted,
	"HashtagLimitHit": instagram.ErrHashtagLimit,
}

func TestErrorMapping(t *testing.T) {
	cases := []struct {
		file    string
		status  int
		want    []string // sentinels that must match; all others must not
		code    int
		subcode int
	}{
		{"errors/token_expired.json", 400, []string{"TokenExpired"}, 190, 463},
		{"errors/token_invalid.json", 400, []string{"InvalidToken"}, 190, 0},
		{"errors/token_password_changed.json", 400, []string{"InvalidToken"}, 190, 460},
		{"errors/token_467.json", 400, []string{"InvalidToken"}, 190, 467},
		{"errors/app_limit.json", 403, []string{"RateLimited"}, 4, 0},
		{"errors/user_limit.json", 400, []string{"RateLimited"}, 17, 2446079},
		{"errors/page_limit.json", 400, []string{"RateLimited"}, 32, 0},
		{"errors/custom_limit.json", 400, []string{"RateLimited"}, 613, 1996},
		{"errors/buc_instagram.json", 403, []string{"RateLimited"}, 80002, 0},
		{"errors/buc_page.json", 403, []string{"RateLimited"}, 80001, 0},
		{"errors/permission_10.json", 403, []string{"Permission"}, 10, 0},
		{"errors/permission_200.json", 403, []string{"Permission"}, 200, 0},
		{"errors/transient.json", 500, []string{"Transient"}, 2, 0},
		{"errors/unknown_1.json", 500, []string{"Transient"}, 1, 0},
		{"errors/not_found.json", 400, []string{"NotFound"}, 100, 33},
		{"errors/invalid_param.json", 400, []string{"Validation"}, 100, 0},
		{"errors/publish_image_too_large.json", 400, []string{"Validation"}, 36000, 2207004},
		{"errors/publish_limit.json", 400, []string{"PublishLimit"}, 9, 2207042},
		{"errors/spam.json", 400, []string{"SpamRestricted"}, 4, 2207051},
		{"errors/outside_window.json", 400, []string{"OutsideWindow"}, 10, 2534022},
		{"errors/unavailable.json", 400, []string{"Unavailable"}, 551, 1545041},
		{"errors/oauth_flat.json", 400, nil, 400, 0},
		{"errors/legacy_meta.json", 429, []string{"RateLimited"}, 429, 0},
		{"errors/proxy_502.html", 502, []string{"Transient"}, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			c, mt := newMockClient(t, instagram.WithRetryPolicy(instagram.NoRetries),
				instagram.WithLimits(instagram.Limits{Disabled: true}))
			body := string(fixture(t, tc.file))
			mt.RegisterResponder("GET", testBase+"/v25.0/17841400000000001", jsonResponder(tc.status, body))
			_, err := c.Users.Get(context.Background(), "17841400000000001", nil)
			require.Error(t, err)

			var apiErr *instagram.Error
			require.True(t, errors.As(err, &apiErr), "want *instagram.Error, got %T", err)
			assert.Equal(t, tc.status, apiErr.HTTPStatus)
			assert.Equal(t, tc.code, apiErr.Code)
			assert.Equal(t, tc.subcode, apiErr.Subcode)
			want := map[string]bool{}
			for _, w := range tc.want {
				want[w] = true
			}
			for name, s := range allSentinels {
				assert.Equal(t, want[name], errors.Is(err, s), "errors.Is(err, %s)", name)
			}
			if want["RateLimited"] {
				var rl *instagram.RateLimitError
				require.True(t, errors.As(err, &rl))
				assert.Positive(t, rl.RetryAfter)
				assert.Same(t, apiErr, rl.Err)
			}
			if strings.HasSuffix(tc.file, ".html") {
				assert.Contains(t, apiErr.Body, "502 Bad Gateway")
				assert.NotContains(t, apiErr.Body, "<")
				assert.Contains(t, err.Error(), "HTTP 502")
			}
		})
	}
}

func TestErrorFieldsDecoded(t *testing.T) {
	e := instagram.ParseErrorBody(400, fixture(t, "errors/publish_image_too_large.json"))
	assert.Equal(t, "The image size is too large.", e.Message)
	assert.Equal(t, "OAuthException", e.Type)
	assert.Equal(t, "Image is too big", e.UserTitle)
	assert.Equal(t, "The picture must be smaller than 8 MiB.", e.UserMessage)
	assert.Equal(t, "Q6r7S8t9U0v", e.TraceID)
	assert.False(t, e.IsTransient)

	e = instagram.ParseErrorBody(500, fixture(t, "errors/transient.json"))
	assert.True(t, e.IsTransient)

	e = instagram.ParseErrorBody(400, []byte(`{"error":{"message":"Error validating client secret.","type":"OAuthException","code":1}}`))
	assert.NotErrorIs(t, e, instagram.ErrTransient, "a wrong client secret is not retried")
	e = instagram.ParseErrorBody(400, []byte(`{"debug_info":{"retriable":false,"type":"ProcessingFailedError","message":"{\"success\":false,\"error\":{\"message\":\"unauthorized user request\"}}"}}`))
	assert.Equal(t, "ProcessingFailedError", e.Type)
	assert.Equal(t, "unauthorized user request", e.Message)
	assert.NotErrorIs(t, e, instagram.ErrTransient)
	e = instagram.ParseErrorBody(500, []byte(`{"debug_info":{"retriable":true,"type":"UploadFailed","message":"try again"}}`))
	assert.ErrorIs(t, e, instagram.ErrTransient)
	e = instagram.ParseErrorBody(400, []byte(`{"error":{"message":"Invalid user id","type":"OAuthException","code":110,"error_subcode":2207013}}`))
	assert.ErrorIs(t, e, instagram.ErrNotFound)

	// Codes sent as strings and unknown extra fields are tolerated.
	e = instagram.ParseErrorBody(400, []byte(`{"error":{"message":"x","code":"190","error_subcode":"463","is_transient":"false","extra":{"a":1}}}`))
	assert.Equal(t, 190, e.Code)
	assert.Equal(t, 463, e.Subcode)
	assert.ErrorIs(t, e, instagram.ErrTokenExpired)
}

func TestEmptyAndOversizedErrorBodies(t *testing.T) {
	e := instagram.ParseErrorBody(502, nil)
	assert.Equal(t, 502, e.HTTPStatus)
	assert.ErrorIs(t, e, instagram.ErrTransient)
	assert.Equal(t, "instagram: Bad Gateway [HTTP 502]", e.Error())

	huge := strings.Repeat("x", 1<<20)
	e = instagram.ParseErrorBody(500, []byte(huge))
	assert.LessOrEqual(t, len(e.Body), 210)

	// Invalid UTF-8 in a body never yields an invalid string.
	e = instagram.ParseErrorBody(500, []byte{0xff, 0xfe, 'a', 'b'})
	assert.Equal(t, "ab", e.Body)
}

func TestSecretsNeverInErrors(t *testing.T) {
	const secret = "APPSECRETsentinel42"
	c, mt := newMockClient(t, instagram.WithAppSecret(secret), instagram.WithRetryPolicy(instagram.NoRetries))
	// An error body echoing the request's credentials, as some proxies do.
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		return httpmock.NewStringResponse(500, "upstream failed for "+r.URL.String()+" with Authorization: "+r.Header.Get("Authorization")), nil
	})
	_, err := c.Media.Get(context.Background(), "1790", nil)
	require.Error(t, err)
	msg := err.Error()
	assert.NotContains(t, msg, testToken)
	assert.NotContains(t, msg, secret)
	assert.NotContains(t, msg, instagram.AppSecretProof(secret, testToken))

	// Network errors carry the URL without its query.
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		return nil, errors.New("connection reset while sending " + r.URL.String())
	})
	_, err = c.Media.Get(context.Background(), "1790", nil)
	require.Error(t, err)
	var ne *instagram.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.NotContains(t, err.Error(), instagram.AppSecretProof(secret, testToken))
	assert.NotContains(t, err.Error(), testToken)
}
