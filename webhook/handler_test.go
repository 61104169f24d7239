package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram/webhook"
)

const (
	whSecret = "0f3e9a7c51d24b6e8a90c1d2e3f4a5b6"
	whVerify = "my-verify-token-7731"
)

// counting returns a handler whose every event increments n.
func counting(n *atomic.Int64, opts webhook.Options) *webhook.Handler {
	opts.VerifyToken = whVerify
	h := webhook.NewHandler(whSecret, opts)
	h.OnEvent(func(context.Context, webhook.Event) error {
		n.Add(1)
		return nil
	})
	return h
}

// post sends body to h with the given headers (name, value pairs).
func post(h http.Handler, body []byte, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func signed(h http.Handler, body []byte) *httptest.ResponseRecorder {
	return post(h, body, webhook.SignatureHeader, webhook.Sign(body, whSecret))
}

func sha1Signature(body []byte, secret string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(body)
	return "sha1=" + hex.EncodeToString(m.Sum(nil))
}

func TestSignSHA1MatchesIndependentHMAC(t *testing.T) {
	body := []byte(`{"object":"instagram"}`)
	assert.Equal(t, sha1Signature(body, whSecret), webhook.SignSHA1(body, whSecret))
}

func TestSignMatchesMetaFormat(t *testing.T) {
	// HMAC-SHA256("secret", "hello"), as computed by any HMAC tool.
	assert.Equal(t, "sha256=88aab3ede8d3adf94d26ab90d3bafd4a2083070c3bcce9c014ee04a443847c0b", webhook.Sign([]byte("hello"), "secret"))
}

func TestVerificationHandshake(t *testing.T) {
	var n atomic.Int64
	h := counting(&n, webhook.Options{})
	get := func(query string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/webhook?"+query, nil))
		return w
	}
	w := get("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=" + whVerify)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "1158201444", w.Body.String())
	assert.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))

	assert.Equal(t, http.StatusForbidden, get("hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong").Code)
	assert.Equal(t, http.StatusForbidden, get("hub.mode=subscribe&hub.challenge=1&hub.verify_token="+whVerify+"x").Code)
	assert.Equal(t, http.StatusForbidden, get("hub.mode=subscribe&hub.challenge=1").Code)
	assert.Equal(t, http.StatusBadRequest, get("hub.mode=unsubscribe&hub.challenge=1&hub.verify_token="+whVerify).Code)
	assert.Equal(t, http.StatusBadRequest, get("hub.mode=subscribe&hub.verify_token="+whVerify).Code)
	assert.Equal(t, http.StatusBadRequest, get("").Code)

	// Without a configured verify token nothing verifies, not even an
	// empty one.
	bare := webhook.NewHandler(whSecret, webhook.Options{})
	w = httptest.NewRecorder()
	bare.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/webhook?hub.mode=subscribe&hub.challenge=5&hub.verify_token=", nil))
	assert.Equal(t, http.StatusForbidden, w.Code)

	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPut, "/webhook", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
	assert.Equal(t, "GET, POST", w.Header().Get("Allow"))
	assert.Zero(t, n.Load())
}

func TestWebhookChallengeForOwnRouters(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/cb?hub.mode=subscribe&hub.challenge=abc&hub.verify_token=tok", nil)
	c, err := webhook.Challenge(r, "tok")
	require.NoError(t, err)
	assert.Equal(t, "abc", c)
	_, err = webhook.Challenge(r, "other")
	assert.ErrorIs(t, err, webhook.ErrVerifyToken)
	assert.Equal(t, http.StatusForbidden, webhook.Status(err))
}

func TestDeliveryAccepted(t *testing.T) {
	var n atomic.Int64
	h := counting(&n, webhook.Options{})
	body := fixture(t, "webhooks/batch.json")
	w := signed(h, body)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "EVENT_RECEIVED", w.Body.String())
	assert.EqualValues(t, 4, n.Load())
}

func TestSignatureMissingOrWrong(t *testing.T) {
	var n atomic.Int64
	h := counting(&n, webhook.Options{})
	body := fixture(t, "webhooks/messages.json")
	good := webhook.Sign(body, whSecret)

	assert.Equal(t, http.StatusUnauthorized, post(h, body).Code)
	assert.Equal(t, http.StatusForbidden, post(h, body, webhook.SignatureHeader, webhook.Sign(body, "another-secret")).Code)
	assert.Equal(t, http.StatusForbidden, post(h, body, webhook.SignatureHeader, strings.TrimPrefix(good, "sha256=")).Code)
	assert.Equal(t, http.StatusForbidden, post(h, body, webhook.SignatureHeader, strings.ToUpper(good)).Code)
	assert.Equal(t, http.StatusForbidden, post(h, body, webhook.SignatureHeader, good[:len(good)-2]).Code)
	assert.Equal(t, http.StatusForbidden, post(h, body, webhook.SignatureHeader, good+"00").Code)
	assert.Equal(t, http.StatusForbidden, post(h, body, webhook.SignatureHeader, "sha1="+strings.TrimPrefix(good, "sha256=")).Code)
	// The sha1 header alone is not enough unless allowed.
	assert.Equal(t, http.StatusUnauthorized, post(h, body, webhook.LegacySignatureHeader, sha1Signature(body, whSecret)).Code)
	assert.Zero(t, n.Load())

	// An empty app secret verifies nothing.
	empty := webhook.NewHandler("", webhook.Options{})
	empty.OnEvent(func(context.Context, webhook.Event) error { n.Add(1); return nil })
	assert.Equal(t, http.StatusForbidden, post(empty, body, webhook.SignatureHeader, webhook.Sign(body, "")).Code)
	assert.Zero(t, n.Load())
}

func TestSHA1SignaturesWhenAllowed(t *testing.T) {
	var n atomic.Int64
	h := counting(&n, webhook.Options{ParseOptions: webhook.ParseOptions{SignatureOptions: webhook.SignatureOptions{AllowSHA1: true}}})
	body := fixture(t, "webhooks/messages.json")
	assert.Equal(t, http.StatusOK, post(h, body, webhook.LegacySignatureHeader, sha1Signature(body, whSecret)).Code)
	assert.EqualValues(t, 1, n.Load())
	assert.Equal(t, http.StatusForbidden, post(h, body, webhook.LegacySignatureHeader, sha1Signature(body, "nope")).Code)
	// When both are present only sha256 counts: a good sha1 does not
	// rescue a bad sha256.
	assert.Equal(t, http.StatusForbidden, post(h, body,
		webhook.LegacySignatureHeader, sha1Signature(body, whSecret),
		webhook.SignatureHeader, webhook.Sign(body, "nope")).Code)
	assert.EqualValues(t, 1, n.Load())
}

func TestOversizedBody(t *testing.T) {
	var n atomic.Int64
	h := counting(&n, webhook.Options{ParseOptions: webhook.ParseOptions{MaxBodyBytes: 1024}})
	small := fixture(t, "webhooks/messages.json")
	require.Less(t, len(small), 1024)
	assert.Equal(t, http.StatusOK, signed(h, small).Code)

	big := []byte(`{"object":"instagram","entry":[],"pad":"` + strings.Repeat("x", 2000) + `"}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, signed(h, big).Code)

	// Without a Content-Length (chunked), the limit holds while reading.
	r := httptest.NewRequest(http.MethodPost, "/webhook", io.MultiReader(bytes.NewReader(big)))
	r.ContentLength = -1
	r.Header.Set(webhook.SignatureHeader, webhook.Sign(big, whSecret))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)

	// Exactly at the limit is fine.
	exact := []byte(`{"object":"instagram","entry":[],"pad":"` + strings.Repeat("y", 1024-len(`{"object":"instagram","entry":[],"pad":""}`)) + `"}`)
	require.Len(t, exact, 1024)
	assert.Equal(t, http.StatusOK, signed(h, exact).Code)
	assert.EqualValues(t, 1, n.Load())
}

func TestMalformedSignedBody(t *testing.T) {
	var n atomic.Int64
	h := counting(&n, webhook.Options{})
	for _, body := range []string{`{"object":"instagram","entry":[`, `not json`, `[]`, `{"entry":"x"}`} {
		assert.Equalf(t, http.StatusBadRequest, signed(h, []byte(body)).Code, "body %q", body)
	}
	assert.Zero(t, n.Load())
}

// Every delivery with one bit changed, in the body or in the signature,
// is refused and reaches no function.
func TestBitFlipsAlwaysRejected(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "webhooks", "*.json"))
	require.NoError(t, err)
	var bodies [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		bodies = append(bodies, b)
	}
	var n atomic.Int64
	h := counting(&n, webhook.Options{})
	// The unmodified deliveries are accepted: the flips are what fails.
	for _, b := range bodies {
		require.Equal(t, http.StatusOK, signed(h, b).Code)
	}
	accepted := n.Load()
	require.Positive(t, accepted)

	rng := rand.New(rand.NewPCG(2024, 6))
	const runs = 10_000
	statuses := map[int]int{}
	for i := 0; i < runs; i++ {
		body := bytes.Clone(bodies[rng.IntN(len(bodies))])
		sig := []byte(webhook.Sign(body, whSecret))
		if rng.IntN(2) == 0 {
			bit := rng.IntN(len(body) * 8)
			body[bit/8] ^= 1 << (bit % 8)
		} else {
			bit := rng.IntN(len(sig) * 8)
			sig[bit/8] ^= 1 << (bit % 8)
		}
		w := post(h, body, webhook.SignatureHeader, string(sig))
		statuses[w.Code]++
		if w.Code != http.StatusForbidden && w.Code != http.StatusUnauthorized {
			t.Fatalf("run %d: flipped delivery answered %d", i, w.Code)
		}
	}
	assert.Equal(t, accepted, n.Load(), "a function ran for a flipped delivery")
	assert.Equal(t, runs, statuses[http.StatusForbidden]+statuses[http.StatusUnauthorized])
}

func TestPerKindFunctionsAndCatchAll(t *testing.T) {
	h := webhook.NewHandler(whSecret, webhook.Options{})
	var got []string
	h.OnComment(func(_ context.Context, e *webhook.CommentEvent) error {
		got = append(got, "comment:"+e.ID)
		return nil
	})
	h.OnMessage(func(_ context.Context, e *webhook.MessageEvent) error {
		got = append(got, "message:"+e.Message.Text)
		return nil
	})
	h.OnSeen(func(_ context.Context, e *webhook.SeenEvent) error {
		got = append(got, "seen:"+e.SenderID)
		return nil
	})
	h.OnEvent(func(_ context.Context, e webhook.Event) error {
		got = append(got, "all:"+string(e.Kind()))
		return nil
	})
	require.Equal(t, http.StatusOK, signed(h, fixture(t, "webhooks/batch.json")).Code)
	assert.Equal(t, []string{
		"comment:18100022233344455", "all:comments",
		"comment:18100022233344456", "all:comments",
		"message:other account", "all:messages",
		"seen:7219432017765481", "all:messaging_seen",
	}, got)

	// Each typed registration receives only its kind.
	kinds := map[webhook.EventKind]int{}
	h2 := webhook.NewHandler(whSecret, webhook.Options{})
	h2.OnLiveComment(func(context.Context, *webhook.CommentEvent) error { kinds[webhook.EventLiveComment]++; return nil })
	h2.OnMention(func(context.Context, *webhook.MentionEvent) error { kinds[webhook.EventMention]++; return nil })
	h2.OnStoryInsights(func(context.Context, *webhook.StoryInsightsEvent) error {
		kinds[webhook.EventStoryInsights]++
		return nil
	})
	h2.OnMessageEcho(func(context.Context, *webhook.MessageEvent) error { kinds[webhook.EventMessageEcho]++; return nil })
	h2.OnMessageEdit(func(context.Context, *webhook.MessageEditEvent) error {
		kinds[webhook.EventMessageEdit]++
		return nil
	})
	h2.OnReaction(func(context.Context, *webhook.ReactionEvent) error { kinds[webhook.EventReaction]++; return nil })
	h2.OnPostback(func(context.Context, *webhook.PostbackEvent) error { kinds[webhook.EventPostback]++; return nil })
	h2.OnOptin(func(context.Context, *webhook.OptinEvent) error { kinds[webhook.EventOptin]++; return nil })
	h2.OnReferral(func(context.Context, *webhook.ReferralEvent) error { kinds[webhook.EventReferral]++; return nil })
	h2.OnUnknown(func(context.Context, *webhook.UnknownEvent) error { kinds[webhook.EventUnknown]++; return nil })
	for _, f := range []string{"live_comments.json", "mentions.json", "story_insights.json", "message_echoes.json",
		"message_edit.json", "message_reactions.json", "messaging_postbacks.json", "messaging_optins.json",
		"messaging_referral.json", "unknown_fields.json", "comments.json", "messages.json"} {
		require.Equal(t, http.StatusOK, signed(h2, fixture(t, "webhooks/"+f)).Code, f)
	}
	assert.Equal(t, map[webhook.EventKind]int{
		webhook.EventLiveComment: 1, webhook.EventMention: 2, webhook.EventStoryInsights: 1,
		webhook.EventMessageEcho: 1, webhook.EventMessageEdit: 1, webhook.EventReaction: 2,
		webhook.EventPostback: 1, webhook.EventOptin: 1, webhook.EventReferral: 1, webhook.EventUnknown: 2,
	}, kinds)

	// Handle with a nil function removes a registration.
	h2.Handle(webhook.EventMention, nil)
	require.Equal(t, http.StatusOK, signed(h2, fixture(t, "webhooks/mentions.json")).Code)
	assert.Equal(t, 2, kinds[webhook.EventMention])
}

func TestFunctionErrorAnswers500AndStops(t *testing.T) {
	h := webhook.NewHandler(whSecret, webhook.Options{})
	var ran []string
	h.OnComment(func(_ context.Context, e *webhook.CommentEvent) error {
		ran = append(ran, e.ID)
		return errors.New("database down")
	})
	h.OnMessage(func(_ context.Context, e *webhook.MessageEvent) error {
		ran = append(ran, e.Message.MID)
		return nil
	})
	assert.Equal(t, http.StatusInternalServerError, signed(h, fixture(t, "webhooks/batch.json")).Code)
	assert.Equal(t, []string{"18100022233344455"}, ran)

	p := webhook.NewHandler(whSecret, webhook.Options{})
	p.OnEvent(func(context.Context, webhook.Event) error { panic("boom") })
	assert.Equal(t, http.StatusInternalServerError, signed(p, fixture(t, "webhooks/messages.json")).Code)
}

func TestDedupDropsRedeliveriesAndRetriesFailures(t *testing.T) {
	store := &webhook.MemoryDedup{}
	h := webhook.NewHandler(whSecret, webhook.Options{Dedup: store})
	calls := map[string]int{}
	fail := true
	h.OnMessage(func(_ context.Context, e *webhook.MessageEvent) error {
		calls[e.Message.MID]++
		if fail && e.Message.MID == "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwNzc3OjEw" {
			return errors.New("temporarily failing")
		}
		return nil
	})
	var comments int
	h.OnComment(func(context.Context, *webhook.CommentEvent) error { comments++; return nil })

	batch := fixture(t, "webhooks/batch.json")
	assert.Equal(t, http.StatusInternalServerError, signed(h, batch).Code)
	assert.Equal(t, 2, comments)
	fail = false
	// Meta redelivers the whole batch: the comments are not run again,
	// the failed message is.
	assert.Equal(t, http.StatusOK, signed(h, batch).Code)
	assert.Equal(t, 2, comments)
	assert.Equal(t, 2, calls["aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwNzc3OjEw"])
	// A third delivery runs nothing.
	assert.Equal(t, http.StatusOK, signed(h, batch).Code)
	assert.Equal(t, 2, comments)
	assert.Equal(t, 2, calls["aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwNzc3OjEw"])
	// The same event re-batched with a different entry time is still a
	// duplicate.
	rebatched := bytes.Replace(batch, []byte(`"time":1746107000,`), []byte(`"time":1746109999,`), 1)
	require.NotEqual(t, batch, rebatched)
	assert.Equal(t, http.StatusOK, signed(h, rebatched).Code)
	assert.Equal(t, 2, comments)
}

func TestParseWebhookForOwnRouters(t *testing.T) {
	body := fixture(t, "webhooks/message_reactions.json")
	r := httptest.NewRequest(http.MethodPost, "/hooks/ig", bytes.NewReader(body))
	r.Header.Set(webhook.SignatureHeader, webhook.Sign(body, whSecret))
	events, err := webhook.Parse(r, whSecret, webhook.ParseOptions{})
	require.NoError(t, err)
	require.Len(t, events, 2)
	assert.Equal(t, "react", events[0].(*webhook.ReactionEvent).Action)

	events, err = webhook.ParseBody(body, webhook.Sign(body, whSecret), whSecret)
	require.NoError(t, err)
	assert.Len(t, events, 2)

	cases := []struct {
		req    func() *http.Request
		opts   webhook.ParseOptions
		status int
		target error
	}{
		{func() *http.Request { return httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)) }, webhook.ParseOptions{}, 401, webhook.ErrSignatureMissing},
		{func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.Header.Set(webhook.SignatureHeader, webhook.Sign(body, "x"))
			return r
		}, webhook.ParseOptions{}, 403, webhook.ErrSignatureInvalid},
		{func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.Header.Set(webhook.SignatureHeader, webhook.Sign(body, whSecret))
			return r
		}, webhook.ParseOptions{MaxBodyBytes: 10}, 413, webhook.ErrTooLarge},
		{func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{"))
			r.Header.Set(webhook.SignatureHeader, webhook.Sign([]byte("{"), whSecret))
			return r
		}, webhook.ParseOptions{}, 400, webhook.ErrMalformed},
	}
	for i, c := range cases {
		_, err := webhook.Parse(c.req(), whSecret, c.opts)
		assert.ErrorIsf(t, err, c.target, "case %d", i)
		assert.Equalf(t, c.status, webhook.Status(err), "case %d", i)
	}
	assert.Equal(t, http.StatusOK, webhook.Status(nil))
	assert.Equal(t, http.StatusInternalServerError, webhook.Status(errors.New("mine")))
}

func TestNewSignedRequestIsAccepted(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(counting(&n, webhook.Options{}))
	defer srv.Close()
	body := fixture(t, "webhooks/batch.json")
	req, err := webhook.NewSignedRequest(context.Background(), srv.URL+"/webhook", body, whSecret)
	require.NoError(t, err)
	assert.Equal(t, webhook.Sign(body, whSecret), req.Header.Get(webhook.SignatureHeader))
	assert.Equal(t, sha1Signature(body, whSecret), req.Header.Get(webhook.LegacySignatureHeader))
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.EqualValues(t, 4, n.Load())

	req, err = webhook.NewSignedRequest(context.Background(), srv.URL, body, "other-secret")
	require.NoError(t, err)
	res, err = srv.Client().Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusForbidden, res.StatusCode)

	//lint:ignore SA1012 a nil context is refused, not a panic
	_, err = webhook.NewSignedRequest(nil, srv.URL, body, whSecret)
	assert.Error(t, err)
}

func TestRepeatedSignatureHeader(t *testing.T) {
	body := fixture(t, "webhooks/messages.json")
	good := webhook.Sign(body, whSecret)
	h := http.Header{}
	h.Add(webhook.SignatureHeader, good)
	h.Add(webhook.SignatureHeader, good)
	assert.NoError(t, webhook.VerifyHeader(h, body, whSecret, webhook.SignatureOptions{}))
	h.Add(webhook.SignatureHeader, webhook.Sign(body, "other"))
	assert.ErrorIs(t, webhook.VerifyHeader(h, body, whSecret, webhook.SignatureOptions{}), webhook.ErrSignatureInvalid)
	h = http.Header{}
	h.Add(webhook.LegacySignatureHeader, sha1Signature(body, whSecret))
	assert.ErrorIs(t, webhook.VerifyHeader(h, body, whSecret, webhook.SignatureOptions{}), webhook.ErrSignatureMissing)
	assert.NoError(t, webhook.VerifyHeader(h, body, whSecret, webhook.SignatureOptions{AllowSHA1: true}))
}
