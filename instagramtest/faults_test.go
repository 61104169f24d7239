package instagramtest

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// freshClient never reuses connections, so Go's transport does not resend
// a request whose connection was dropped.
func freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

func TestFaultStatus500(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Path: "/me", Kind: FaultStatus500, Times: 1})
	a := get(t, s, s.AccessToken, "/v25.0/me")
	assert.Equal(t, http.StatusInternalServerError, a.Status)
	e := a.graphErr(t)
	assert.EqualValues(t, 2, e["code"])
	assert.Equal(t, true, e["is_transient"])
	assert.Equal(t, "OAuthException", e["type"])
	assert.Equal(t, "An unexpected error has occurred. Please retry your request later.", e["message"])
	assert.NotEmpty(t, e["fbtrace_id"])
	assert.Equal(t, 0, s.Stats().Calls, "the handler did not run")

	assert.Equal(t, http.StatusOK, get(t, s, s.AccessToken, "/v25.0/me").Status, "Times: 1")
	st := s.Stats()
	assert.Equal(t, 1, st.Faulted)
	assert.Equal(t, 1, st.Calls)
}

func TestFaultBodiless502(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Kind: FaultBodiless502})
	a := get(t, s, s.AccessToken, "/v25.0/me")
	assert.Equal(t, http.StatusBadGateway, a.Status)
	assert.Empty(t, a.Raw)
	s.ClearFaults()
	assert.Equal(t, http.StatusOK, get(t, s, s.AccessToken, "/v25.0/me").Status)
}

func TestFaultDelayHonoursClientDeadline(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Path: "/me", Kind: FaultDelay(time.Minute)})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/v25.0/me", nil)
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	_, err := http.DefaultClient.Do(req)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	// Other paths are not delayed.
	assert.Equal(t, http.StatusOK, get(t, s, s.AccessToken, "/v25.0/"+s.UserID).Status)
}

func TestFaultDelayThenAnswer(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Kind: FaultDelay(time.Millisecond), Times: 1})
	s.InjectFault(Fault{Kind: FaultStatus500, Times: 1})
	a := get(t, s, s.AccessToken, "/v25.0/me")
	assert.Equal(t, http.StatusInternalServerError, a.Status, "a delay combines with another fault")
}

func TestFaultDrop(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Method: "GET", Path: "/me", Kind: FaultDrop, Times: 1})
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/v25.0/me", nil)
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	_, err := freshClient().Do(req)
	require.Error(t, err)
	assert.Equal(t, 0, s.Stats().Calls)
	assert.Equal(t, http.StatusOK, get(t, s, s.AccessToken, "/v25.0/me").Status)
	reqs := s.Requests()
	assert.Equal(t, 0, reqs[0].Status, "no answer was sent")
}

func TestFaultApplyThenDrop(t *testing.T) {
	s := newTestServer(t, withNotes())
	mid := s.Media()[0].ID
	s.InjectFault(Fault{Method: "POST", Path: "/*/notes", Kind: FaultApplyThenDrop, Times: 1})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/v25.0/"+mid+"/notes",
		strings.NewReader(url.Values{"text": {"once"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	_, err := freshClient().Do(req)
	require.Error(t, err, "the answer is lost")

	notes := data(t, get(t, s, s.AccessToken, "/v25.0/"+mid+"/notes"))
	require.Len(t, notes, 1, "the write took effect")
	assert.Equal(t, "once", notes[0]["text"])
	assert.Equal(t, 1, s.Stats().Faulted)
}

func TestFaultMatching(t *testing.T) {
	s := newTestServer(t, withNotes())
	mid := s.Media()[0].ID
	s.InjectFault(Fault{Method: "POST", Path: "/*/notes", Kind: FaultStatus500})
	assert.Equal(t, http.StatusOK, get(t, s, s.AccessToken, "/v25.0/"+mid+"/notes").Status, "method differs")
	assert.Equal(t, http.StatusInternalServerError,
		postForm(t, s, s.AccessToken, "/v25.0/"+mid+"/notes", url.Values{"text": {"x"}}).Status)
	s.ClearFaults()

	s.InjectFault(Fault{Regexp: regexp.MustCompile(`/children$`), Kind: FaultStatus500})
	assert.Equal(t, http.StatusOK, get(t, s, s.AccessToken, "/v25.0/"+mid).Status)
	assert.Equal(t, http.StatusInternalServerError, get(t, s, s.AccessToken, "/v25.0/"+mid+"/children").Status)
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	pattern := func(seed int64) string {
		s := NewServer(WithSeed(seed), WithMediaCount(1))
		defer s.Close()
		s.InjectFault(Fault{Path: "/me", Kind: FaultStatus500, Probability: 0.5})
		var b strings.Builder
		for range 40 {
			if get(t, s, s.AccessToken, "/v25.0/me").Status == http.StatusOK {
				b.WriteByte('.')
			} else {
				b.WriteByte('x')
			}
		}
		return b.String()
	}
	p := pattern(7)
	assert.Equal(t, p, pattern(7))
	assert.Contains(t, p, "x")
	assert.Contains(t, p, ".")
	assert.NotEqual(t, p, pattern(8))
}

func TestFaultProbabilityWithTimes(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Kind: FaultStatus500, Probability: 0.9, Times: 2})
	failed := 0
	for range 30 {
		if get(t, s, s.AccessToken, "/v25.0/me").Status != http.StatusOK {
			failed++
		}
	}
	assert.Equal(t, 2, failed)
}

func TestFaultWithoutKindPanics(t *testing.T) {
	s := newTestServer(t)
	assert.Panics(t, func() { s.InjectFault(Fault{Path: "/me"}) })
}
