package instagram_test

import (
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/igsdk/instagram"
)

// swappingTokens hands out whichever token is current when asked.
type swappingTokens struct {
	mu  sync.Mutex
	cur string
}

func (s *swappingTokens) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &oauth2.Token{AccessToken: s.cur, TokenType: "Bearer"}, nil
}

func (s *swappingTokens) set(v string) {
	s.mu.Lock()
	s.cur = v
	s.mu.Unlock()
}

// A call that waits for a blocked budget sends the token current when the
// wait ends, not the one current when the call began: a refresh during the
// wait may have replaced it (and the old one may have expired).
func TestCallWaitingForBudgetSendsTheTokenCurrentAfterTheWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tokens := &swappingTokens{cur: "old-token"}
		mt := httpmock.NewMockTransport()
		c, err := instagram.NewClient(
			instagram.WithTokenSource(tokens),
			instagram.WithHTTPClient(&http.Client{Transport: mt}),
			instagram.WithBaseURL(testBase),
		)
		require.NoError(t, err)
		var mu sync.Mutex
		var sent []string
		record := func(status int, body string, headers ...string) httpmock.Responder {
			next := jsonResponder(status, body, headers...)
			return func(r *http.Request) (*http.Response, error) {
				mu.Lock()
				sent = append(sent, r.Header.Get("Authorization"))
				mu.Unlock()
				return next(r)
			}
		}
		mt.RegisterResponder("GET", testBase+"/v25.0/1790", record(200, `{"id":"1790"}`, "X-App-Usage", `{"call_volume":100,"cpu_time":3}`))
		mt.RegisterResponder("GET", testBase+"/v25.0/1791", record(200, `{"id":"1791"}`, "X-App-Usage", `{"call_volume":3,"cpu_time":3}`))

		_, err = c.Media.Get(t.Context(), "1790", nil)
		require.NoError(t, err, "the call that exhausts the budget")
		done := make(chan error, 1)
		go func() {
			_, err := c.Media.Get(t.Context(), "1791", nil)
			done <- err
		}()
		synctest.Wait() // the second call now waits for the budget
		time.Sleep(instagram.DefaultCooldown / 2)
		tokens.set("new-token")
		require.NoError(t, <-done)
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, []string{"Bearer old-token", "Bearer new-token"}, sent)
	})
}
