package instagram_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/igsdk/instagram"
)

func TestNewClientRejectsInvalidOptions(t *testing.T) {
	cases := map[string]instagram.Option{
		"empty token":        instagram.WithAccessToken(""),
		"blank token":        instagram.WithAccessToken("   "),
		"nil token source":   instagram.WithTokenSource(nil),
		"nil http client":    instagram.WithHTTPClient(nil),
		"bad base URL":       instagram.WithBaseURL("://nope"),
		"base URL no host":   instagram.WithBaseURL("https://"),
		"base URL scheme":    instagram.WithBaseURL("ftp://graph.test"),
		"base URL query":     instagram.WithBaseURL("https://graph.test/?a=b"),
		"bad upload URL":     instagram.WithUploadURL("not a url"),
		"version no v":       instagram.WithAPIVersion("25.0"),
		"version no minor":   instagram.WithAPIVersion("v25"),
		"version junk":       instagram.WithAPIVersion("v25.0/../x"),
		"negative retries":   instagram.WithRetryPolicy(instagram.RetryPolicy{MaxAttempts: -1}),
		"negative delay":     instagram.WithRetryPolicy(instagram.RetryPolicy{BaseDelay: -time.Second}),
		"threshold too high": instagram.WithLimits(instagram.Limits{Threshold: 101}),
		"unknown platform":   instagram.WithPlatform(instagram.Platform(7)),
		"empty app secret":   instagram.WithAppSecret(""),
		"nil logger":         instagram.WithLogger(nil),
	}
	for name, opt := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := instagram.NewClient(opt)
			assert.Error(t, err)
			assert.Nil(t, c)
		})
	}
	_, err := instagram.NewClient(instagram.WithAccessToken("a"),
		instagram.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "b"})))
	assert.Error(t, err, "two token options")
}

func TestNewClientDefaults(t *testing.T) {
	c, err := instagram.NewClient(instagram.WithAccessToken("t"))
	require.NoError(t, err)
	assert.Equal(t, instagram.InstagramGraphURL, c.BaseURL())
	assert.Equal(t, "v25.0", c.APIVersion())
	assert.Equal(t, instagram.InstagramLogin, c.Platform())

	c, err = instagram.NewClient(instagram.WithAccessToken("t"), instagram.WithPlatform(instagram.FacebookLogin), instagram.WithAPIVersion("v26.0"))
	require.NoError(t, err)
	assert.Equal(t, instagram.FacebookGraphURL, c.BaseURL())
	assert.Equal(t, "v26.0", c.APIVersion())
}

func TestRequestShape(t *testing.T) {
	const secret = "s3cr3t"
	c, mt := newMockClient(t, instagram.WithAppSecret(secret), instagram.WithUserAgent("myapp/1.0"))
	var got *http.Request
	mt.RegisterResponder("GET", testBase+"/v25.0/17841400000000001/media", func(r *http.Request) (*http.Response, error) {
		got = r
		return jsonResponder(200, `{"data":[]}`)(r)
	})
	_, err := c.Media.List(context.Background(), "17841400000000001", &instagram.ListOptions{Limit: 25, Fields: []string{"id", "caption"}})
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"))
	assert.Equal(t, "myapp/1.0", got.Header.Get("User-Agent"))
	q := got.URL.Query()
	assert.Equal(t, "25", q.Get("limit"))
	assert.Equal(t, "id,caption", q.Get("fields"))
	assert.Equal(t, instagram.AppSecretProof(secret, testToken), q.Get("appsecret_proof"))
	assert.Empty(t, q.Get("access_token"), "the token travels in the header only")
}

func TestDefaultFieldsAndPathEscaping(t *testing.T) {
	c, mt := newMockClient(t)
	var q url.Values
	mt.RegisterResponder("GET", `=~^`+testBase+`/v25\.0/a(%3A|:)b$`, func(r *http.Request) (*http.Response, error) {
		q = r.URL.Query()
		return jsonResponder(200, `{"id":"a:b"}`)(r)
	})
	_, err := c.Media.Get(context.Background(), "a/b", nil)
	require.ErrorIs(t, err, instagram.ErrValidation, "a slash would reach another endpoint")
	m, err := c.Media.Get(context.Background(), "a:b", nil)
	require.NoError(t, err)
	assert.Equal(t, "a:b", m.ID)
	assert.Contains(t, q.Get("fields"), "media_type")
	assert.Contains(t, q.Get("fields"), "permalink")

	before := mt.GetTotalCallCount()
	_, err = c.Media.Get(context.Background(), "", nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)
	assert.Equal(t, before, mt.GetTotalCallCount(), "an empty id never reaches the network")
}

func TestFormAndJSONBodies(t *testing.T) {
	c, mt := newMockClient(t)
	var ctype, body string
	mt.RegisterResponder("POST", testBase+"/v25.0/1/thing", func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		ctype, body = r.Header.Get("Content-Type"), string(b)
		return jsonResponder(200, `{"success":true}`)(r)
	})
	ctx := context.Background()
	type form struct {
		Message string `url:"message"`
		Hide    bool   `url:"hide"`
	}
	req, err := c.NewRequest(ctx, "POST", "1/thing", nil, form{Message: "hi there", Hide: true})
	require.NoError(t, err)
	var ok instagram.Success
	_, err = c.Do(req, &ok)
	require.NoError(t, err)
	assert.True(t, bool(ok.Success))
	assert.Equal(t, "application/x-www-form-urlencoded", ctype)
	assert.Equal(t, "hide=true&message=hi+there", body)

	req, err = c.NewRequest(ctx, "POST", "1/thing", nil, instagram.JSONBody(map[string]any{"recipient": map[string]string{"id": "9"}}))
	require.NoError(t, err)
	_, err = c.Do(req, nil)
	require.NoError(t, err)
	assert.Equal(t, "application/json", ctype)
	assert.JSONEq(t, `{"recipient":{"id":"9"}}`, body)

	_, err = c.NewRequest(ctx, "GET", "1/thing?access_token=x", nil, nil)
	assert.Error(t, err, "queries belong in options, not in paths")
}

func TestDecodingTimestampsIDsAndUnknownFields(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("GET", testBase+"/v25.0/me", jsonResponder(200,
		`{"id":"17841400000000001","user_id":27640875392278831,"username":"shop","followers_count":12,"brand_new_field":{"x":[1,2]}}`))
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200,
		`{"id":"1790","timestamp":"2024-05-01T12:00:00+0000","media_type":"IMAGE","owner":{"id":"17841400000000001"}}`))
	ctx := context.Background()
	me, err := c.Users.Me(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, instagram.ID("27640875392278831"), me.UserID, "numbers above 2^53 keep every digit")
	assert.Equal(t, "shop", me.Username)
	assert.Equal(t, 12, me.FollowersCount)

	m, err := c.Media.Get(ctx, "1790", nil)
	require.NoError(t, err)
	assert.True(t, m.Timestamp.Equal(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)))
	assert.Equal(t, instagram.MediaTypeImage, m.MediaType)
	assert.Equal(t, "17841400000000001", m.Owner.ID)
}

func TestTimeFormats(t *testing.T) {
	want := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, in := range []string{`"2024-05-01T12:00:00+0000"`, `"2024-05-01T14:00:00+0200"`, `"2024-05-01T12:00:00Z"`, `1714564800`, `"1714564800"`, `1714564800000`} {
		var tm instagram.Time
		require.NoError(t, json.Unmarshal([]byte(in), &tm), in)
		assert.True(t, tm.Equal(want), "%s decoded to %v", in, tm)
	}
	var tm instagram.Time
	require.NoError(t, json.Unmarshal([]byte(`null`), &tm))
	assert.True(t, tm.IsZero())
	assert.Error(t, json.Unmarshal([]byte(`"yesterday"`), &tm))
	out, err := json.Marshal(instagram.Time{Time: want})
	require.NoError(t, err)
	assert.Equal(t, `"2024-05-01T12:00:00+0000"`, string(out))
}

func TestRetriesTransientGET(t *testing.T) {
	c, mt := newMockClient(t)
	var calls atomic.Int32
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", func(r *http.Request) (*http.Response, error) {
		if calls.Add(1) < 3 {
			return httpmock.NewStringResponse(502, ""), nil
		}
		return jsonResponder(200, `{"id":"1790"}`)(r)
	})
	var resp instagram.Response
	m, err := c.Media.Get(instagram.CaptureResponse(context.Background(), &resp), "1790", nil)
	require.NoError(t, err)
	assert.Equal(t, "1790", m.ID)
	assert.EqualValues(t, 3, calls.Load())
	assert.Equal(t, 3, resp.Attempts)
}

func TestRetriesAreBounded(t *testing.T) {
	c, mt := newMockClient(t, instagram.WithRetryPolicy(instagram.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Microsecond}))
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(500, string(fixture(t, "errors/transient.json"))))
	_, err := c.Media.Get(context.Background(), "1790", nil)
	assert.ErrorIs(t, err, instagram.ErrTransient)
	assert.Equal(t, 4, mt.GetTotalCallCount())
}

func TestNoRetryOfPOSTOrPermanentErrors(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testBase+"/v25.0/1/media_publish", jsonResponder(500, string(fixture(t, "errors/transient.json"))))
	req, err := c.NewRequest(context.Background(), "POST", "1/media_publish", nil, url.Values{"creation_id": {"2"}})
	require.NoError(t, err)
	_, err = c.Do(req, nil)
	assert.ErrorIs(t, err, instagram.ErrTransient)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "a POST that reached the server is never resent")

	mt.Reset()
	mt.RegisterResponder("POST", testBase+"/v25.0/1/media_publish", func(*http.Request) (*http.Response, error) {
		return nil, errors.New("connection reset by peer")
	})
	_, err = c.Do(req, nil)
	assert.Error(t, err)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "a POST whose answer was lost is never resent")

	mt.Reset()
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(400, string(fixture(t, "errors/invalid_param.json"))))
	_, err = c.Media.Get(context.Background(), "1790", nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "permanent errors are not retried")
}

// TestRetryAfterHonoured runs on the fake clock of a synctest bubble: the
// retry must come exactly when Retry-After says, at no real cost.
func TestRetryAfterHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := newMockClient(t, instagram.WithRetryPolicy(instagram.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Microsecond, MaxDelay: time.Minute}))
		var first time.Time
		var gap time.Duration
		mt.RegisterResponder("GET", testBase+"/v25.0/1790", func(r *http.Request) (*http.Response, error) {
			if first.IsZero() {
				first = time.Now()
				return jsonResponder(503, "", "Retry-After", "1")(r)
			}
			gap = time.Since(first)
			return jsonResponder(200, `{"id":"1790"}`)(r)
		})
		_, err := c.Media.Get(context.Background(), "1790", nil)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, gap, time.Second, "the retry waited for Retry-After")
		assert.Less(t, gap, 2*time.Second, "and no longer")
	})
}

func TestContextCancellation(t *testing.T) {
	c, mt := newMockClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", jsonResponder(200, `{"id":"1790"}`))
	_, err := c.Media.Get(ctx, "1790", nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, mt.GetTotalCallCount())

	// Cancelling during a retry backoff ends the wait.
	c, mt = newMockClient(t, instagram.WithRetryPolicy(instagram.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour}))
	mt.RegisterResponder("GET", testBase+"/v25.0/1790", httpmock.NewStringResponder(502, ""))
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Media.Get(ctx, "1790", nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestConcurrentUse(t *testing.T) {
	c, mt := newMockClient(t)
	var n atomic.Int64
	mt.RegisterResponder("GET", `=~^`+testBase+`/v25\.0/\d+$`, func(r *http.Request) (*http.Response, error) {
		v := n.Add(1)
		return jsonResponder(200, fmt.Sprintf(`{"id":"%d"}`, v),
			"X-App-Usage", fmt.Sprintf(`{"call_count":%d,"total_time":1,"total_cputime":1}`, v%50),
			"X-Business-Use-Case-Usage", fmt.Sprintf(`{"17841400000000001":[{"type":"instagram","call_count":%d,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0}]}`, v%50))(r)
	})
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			for j := range 10 {
				_, err := c.Media.Get(context.Background(), fmt.Sprint(i*100+j+1), nil)
				assert.NoError(t, err)
				_ = c.Usage()
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 640, n.Load())
	u := c.Usage()
	require.NotNil(t, u.App)
	assert.Less(t, u.App.CallCount, 50)
	assert.Contains(t, u.Business, "17841400000000001")
}

func TestOptionsEncodeLikeTheirTags(t *testing.T) {
	// The fast encoders of GetOptions and ListOptions must agree with
	// go-querystring on the struct tags.
	c, mt := newMockClient(t)
	var got []url.Values
	mt.RegisterResponder("GET", testBase+"/v25.0/x", func(r *http.Request) (*http.Response, error) {
		got = append(got, r.URL.Query())
		return jsonResponder(200, `{"data":[]}`)(r)
	})
	ctx := context.Background()
	for _, q := range []any{
		&instagram.ListOptions{Fields: []string{"a", "b"}, Limit: 7, After: "A", Before: "B"},
		&instagram.GetOptions{Fields: []string{"id"}},
		&instagram.TimeRangeOptions{ListOptions: instagram.ListOptions{Limit: 3}, Since: instagram.Time{Time: time.Unix(1700000000, 0)}},
		(*instagram.ListOptions)(nil),
	} {
		req, err := c.NewRequest(ctx, "GET", "x", q, nil)
		require.NoError(t, err)
		_, err = c.Do(req, nil)
		require.NoError(t, err)
	}
	require.Len(t, got, 4)
	assert.Equal(t, url.Values{"fields": {"a,b"}, "limit": {"7"}, "after": {"A"}, "before": {"B"}}, got[0])
	assert.Equal(t, url.Values{"fields": {"id"}}, got[1])
	assert.Equal(t, url.Values{"limit": {"3"}, "since": {"1700000000"}}, got[2], "embedding types keep their own fields")
	assert.Empty(t, got[3])
}
