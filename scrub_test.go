package instagram_test

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/igsdk/instagram"
)

// longToken is as long as a real Instagram user token.
var longToken = "IGAA" + strings.Repeat("Zx9Qw3", 29) + "END"

// errorText is every text of an error chain: each error's Error() and the
// body of an *instagram.Error.
func errorText(err error) string {
	var b strings.Builder
	var walk func(error)
	walk = func(e error) {
		for e != nil {
			b.WriteString(e.Error() + "\n")
			var ae *instagram.Error
			if errors.As(e, &ae) {
				b.WriteString(ae.Body + "\n")
			}
			if j, ok := e.(interface{ Unwrap() []error }); ok {
				for _, x := range j.Unwrap() {
					walk(x)
				}
				return
			}
			e = errors.Unwrap(e)
		}
	}
	walk(err)
	return b.String()
}

// requireNoPrefix fails if 8 or more leading bytes of secret appear in s.
func requireNoPrefix(t *testing.T, s, secret string) {
	t.Helper()
	require.NotContains(t, s, secret[:8], "the start of a secret survived: %q", s)
}

// A token echoed across the 200-byte cut of a proxy's HTML page leaves no
// part of it in the error.
func TestErrorExcerptScrubbedBeforeCut(t *testing.T) {
	for _, filler := range []int{0, 20, 150, 190, 196, 199, 200, 260} {
		c, mt := newMockClient(t, instagram.WithAccessToken(longToken))
		mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
			body := "<html><body>" + strings.Repeat("x", filler) + " token was " +
				strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + "</body></html>"
			return httpmock.NewStringResponse(http.StatusBadGateway, body), nil
		})
		_, err := c.Users.Me(context.Background(), nil)
		require.Error(t, err)
		requireNoPrefix(t, errorText(err), longToken)
	}
}

// Every shape of an echo is scrubbed: JSON-escaped, inside tags, URL-encoded,
// HTML-escaped and the secret half of an app token.
func TestErrorEchoShapes(t *testing.T) {
	secretHalf := "APPSECRETsentinel77"
	appToken := "1234567|" + secretHalf
	tok := "IGAA/tok+en&sentinel<x>\"q"
	shapes := map[string]func(string) string{
		"json":      func(s string) string { b, _ := json.Marshal(s); return string(b) },
		"tag":       func(s string) string { return "<b>" + s + "</b>" },
		"attr":      func(s string) string { return `access_token=<b>` + s + `</b>` },
		"query":     url.QueryEscape,
		"path":      url.PathEscape,
		"html":      html.EscapeString,
		"jsonfield": func(s string) string { b, _ := json.Marshal(map[string]string{"access_token": s}); return string(b) },
	}
	for name, shape := range shapes {
		for _, secret := range []string{tok, appToken} {
			c, mt := newMockClient(t, instagram.WithAccessToken(secret))
			body := "<html>upstream said " + shape(secret) + "</html>"
			if secret == appToken {
				body += " and " + shape(secretHalf)
			}
			mt.RegisterNoResponder(httpmock.NewStringResponder(http.StatusBadGateway, body))
			_, err := c.Users.Me(context.Background(), nil)
			require.Error(t, err)
			txt := errorText(err)
			assert.NotContains(t, txt, "sentinel", "%s: %q", name, txt)
		}
	}
}

// A Graph error envelope whose message echoes the app token's secret half
// is scrubbed too.
func TestErrorEnvelopeSecretHalf(t *testing.T) {
	secretHalf := "APPSECRETsentinel88"
	c, mt := newMockClient(t, instagram.WithAccessToken("999|"+secretHalf))
	mt.RegisterNoResponder(jsonResponder(400, `{"error":{"message":"bad app secret `+secretHalf+`","type":"OAuthException","code":190}}`))
	_, err := c.Users.Me(context.Background(), nil)
	require.Error(t, err)
	assert.NotContains(t, errorText(err), "sentinel")
}

// A transport error whose nested errors carry the token (a redirect to a
// malformed URL) is scrubbed all the way down the chain.
func TestTransportErrorChainScrubbed(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithAccessToken(longToken))
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		inner := &url.Error{Op: "parse", URL: "http://[::1%zz]/x?access_token=" + longToken, Err: errors.New("invalid URL escape")}
		return nil, errors.Join(errors.New("redirect failed for "+longToken), inner)
	})
	_, err := c.Users.Me(context.Background(), nil)
	require.Error(t, err)
	txt := errorText(err)
	requireNoPrefix(t, txt, longToken)
	var ue *url.Error
	assert.True(t, errors.As(err, &ue), "url.Error stays reachable")
}

// failingSource fails with a RetrieveError whose body echoes the secret.
type failingSource struct{ secret string }

func (f failingSource) Token() (*oauth2.Token, error) {
	return nil, &oauth2.RetrieveError{
		Response:  &http.Response{Status: "400 Bad Request", StatusCode: 400, Request: &http.Request{URL: &url.URL{RawQuery: "client_secret=" + f.secret}}},
		Body:      []byte(`{"error":"invalid_grant","error_description":"refresh_token=` + f.secret + ` is bad"}`),
		ErrorCode: "invalid_grant", ErrorDescription: "refresh_token=" + f.secret + " is bad",
	}
}

// A token source's *oauth2.RetrieveError stays reachable with errors.As, its
// body scrubbed, so callers can still detect invalid_grant.
func TestRetrieveErrorReachableAndScrubbed(t *testing.T) {
	secret := "REFRESHsentinel12345"
	c, err := instagram.NewClient(instagram.WithTokenSource(failingSource{secret}), instagram.WithBaseURL(testBase),
		instagram.WithHTTPClient(&http.Client{Transport: httpmock.NewMockTransport()}))
	require.NoError(t, err)
	_, err = c.Users.Me(context.Background(), nil)
	require.Error(t, err)
	var re *oauth2.RetrieveError
	require.True(t, errors.As(err, &re))
	assert.Equal(t, "invalid_grant", re.ErrorCode)
	assert.NotContains(t, string(re.Body), secret)
	assert.NotContains(t, re.ErrorDescription, secret)
	if re.Response != nil {
		assert.Nil(t, re.Response.Request)
	}
	assert.NotContains(t, errorText(err), secret)
}
