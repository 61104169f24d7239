package instagram_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

const (
	testBase  = "https://graph.test"
	testToken = "IGAAsentineltoken0123456789"
)

// newMockClient returns a client whose requests go to a fresh httpmock
// transport, with fast retries.
func newMockClient(t testing.TB, opts ...instagram.Option) (*instagram.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	base := []instagram.Option{
		instagram.WithAccessToken(testToken),
		instagram.WithHTTPClient(&http.Client{Transport: mt}),
		instagram.WithBaseURL(testBase),
		instagram.WithRetryPolicy(instagram.RetryPolicy{BaseDelay: 1, MaxDelay: 5e6}),
	}
	c, err := instagram.NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return c, mt
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// jsonResponder answers with a JSON body, a status and optional headers.
func jsonResponder(status int, body string, headers ...string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(status, body)
		r.Header.Set("Content-Type", "application/json; charset=UTF-8")
		for i := 0; i+1 < len(headers); i += 2 {
			r.Header.Set(headers[i], headers[i+1])
		}
		return r, nil
	}
}
