package instagram_test

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
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

const (
	whSecret = "0f3e9a7c51d24b6e8a90c1d2e3f4a5b6"
	whVerify = "my-verify-token-7731"
)

// counting returns a handler whose every event increments n.
func counting(n *atomic.Int64, opts ...instagram.WebhookOption) *instagram.WebhookHandler {
	h := instagram.NewWebhookHandler(whSecret, append([]instagram.WebhookOption{instagram.WithVerifyToken(whVerify)}, opts...)...)
	h.OnEvent(func(context.Context, instagram.WebhookEvent) error {
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
	return post(h, body, instagram.SignatureHeader, instagram.SignWebhook(body, whSecret))
}

func sha1Signature(body []byte, secret string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(body)
	return "sha1=" + hex.EncodeToString(m.Sum(nil))
}

func TestSignMatchesMetaFormat(t *testing.T) {
	// HMAC-SHA256("secret", "hello"), as computed by any HMAC tool.
	assert.Equal(t, "sha256=88aab3ede8d3adf94d26ab90d3bafd4a2083070c3bcce9c014ee04a443847c0b", instagram.SignWebhook([]byte("hello"), "secret"))
}

func TestVerificationHandshake(t *testing.T) {
	var n atomic.Int64
	h := counting(&n)
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
	bare := instagram.NewWebhookHandler(whSecret)
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
	c, err := instagram.WebhookChallenge(r, "tok")
	require.NoError(t, err)
	assert.Equal(t, "abc", c)
	_, err = instagram.WebhookChallenge(r, "other")
	assert.ErrorIs(t, err, instagram.ErrVerifyToken)
	assert.Equal(t, http.StatusForbidden, instagram.WebhookStatus(err))
}

func TestDeliveryAccepted(t *testing.T) {
	var n atomic.Int64
	h := counting(&n)
	body := fixture(t, "webhooks/batch.json")
	w := signed(h, body)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "EVENT_RECEIVED", w.Body.String())
	assert.EqualValues(t, 4, n.Load())
}

func TestSignatureMissingOrWrong(t *testing.T) {
	var n atomic.Int64
	h := counting(&n)
	body := fixture(t, "webhooks/messages.json")
	good := instagram.SignWebhook(body, whSecret)

	assert.Equal(t, http.StatusUnauthorized, post(h, body).Code)
	assert.Equal(t, http.StatusForbidden, post(h, body, instagram.SignatureHeader, instagram.SignWebhook(body, "another-secret")).Code)
	assert.Equal(t, http.StatusForbidden, post(h, body, instagram.SignatureHeader, strings.TrimPrefix(good, "sha256=")).Code)
	assert.Equal(t, http.StatusForbidden, post(h, body, instagram.SignatureHeader, strings.ToUpper(good)).Code)
	assert.Equal(t, http.StatusForbidden, post(h, body, instagram.SignatureHeader, good[:len(good)-2]).Code)
	assert.Equal(t, http.StatusForbidden, post(h, body, instagram.SignatureHeader, good+"00").Code)
	assert.Equal(t, http.StatusForbidden, post(h, body, instagram.SignatureHeader, "sha1="+strings.TrimPrefix(good, "sha256=")).Code)
	// The sha1 header alone is not enough unless allowed.
	assert.Equal(t, http.StatusUnauthorized, post(h, body, instagram.LegacySignatureHeader, sha1Signature(body, whSecret)).Code)
	assert.Zero(t, n.Load())

	// An empty app secret verifies nothing.
	empty := instagram.NewWebhookHandler("")
	empty.OnEvent(func(context.Context, instagram.WebhookEvent) error { n.Add(1); return nil })
	assert.Equal(t, http.StatusForbidden, post(empty, body, instagram.SignatureHeader, instagram.SignWebhook(body, "")).Code)
	assert.Zero(t, n.Load())
}

func TestSHA1SignaturesWhenAllowed(t *testing.T) {
	var n atomic.Int64
	h := counting(&n, instagram.WithSHA1Signatures(true))
	body := fixture(t, "webhooks/messages.json")
	assert.Equal(t, http.StatusOK, post(h, body, instagram.LegacySignatureHeader, sha1Signature(body, whSecret)).Code)
	assert.EqualValues(t, 1, n.Load())
	assert.Equal(t, http.StatusForbidden, post(h, body, instagram.LegacySignatureHeader, sha1Signature(body, "nope")).Code)
	// When both are present only sha256 counts: a good sha1 does not
	// rescue a bad sha256.
	assert.Equal(t, http.StatusForbidden, post(h, body,
		instagram.LegacySignatureHeader, sha1Signature(body, whSecret),
		instagram.SignatureHeader, instagram.SignWebhook(body, "nope")).Code)
	assert.EqualValues(t, 1, n.Load())
}

func TestOversizedBody(t *testing.T) {
	var n atomic.Int64
	h := counting(&n, instagram.WithMaxBodyBytes(1024))
	small := fixture(t, "webhooks/messages.json")
	require.Less(t, len(small), 1024)
	assert.Equal(t, http.StatusOK, signed(h, small).Code)

	big := []byte(`{"object":"instagram","entry":[],"pad":"` + strings.Repeat("x", 2000) + `"}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, signed(h, big).Code)

	// Without a Content-Length (chunked), the limit holds while reading.
	r := httptest.NewRequest(http.MethodPost, "/webhook", io.MultiReader(bytes.NewReader(big)))
	r.ContentLength = -1
	r.Header.Set(instagram.SignatureHeader, instagram.SignWebhook(big, whSecret))
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
	h := counting(&n)
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
	h := counting(&n)
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
		sig := []byte(instagram.SignWebhook(body, whSecret))
		if rng.IntN(2) == 0 {
			bit := rng.IntN(len(body) * 8)
			body[bit/8] ^= 1 << (bit % 8)
		} else {
			bit := rng.IntN(len(sig) * 8)
			sig[bit/8] ^= 1 << (bit % 8)
		}
		w := post(h, body, instagram.SignatureHeader, string(sig))
		statuses[w.Code]++
		if w.Code != http.StatusForbidden && w.Code != http.StatusUnauthorized {
			t.Fatalf("run %d: flipped delivery answered %d", i, w.Code)
		}
	}
	assert.Equal(t, accepted, n.Load(), "a function ran for a flipped delivery")
	assert.Equal(t, runs, statuses[http.StatusForbidden]+statuses[http.StatusUnauthorized])
}

func TestPerKindFunctionsAndCatchAll(t *testing.T) {
	h := instagram.NewWebhookHandler(whSecret)
	var got []string
	h.OnComment(func(_ context.Context, e *instagram.CommentEvent) error {
		got = append(got, "comment:"+e.ID)
		return nil
	})
	h.OnMessage(func(_ context.Context, e *instagram.MessageEvent) error {
		got = append(got, "message:"+e.Message.Text)
		return nil
	})
	h.OnSeen(func(_ context.Context, e *instagram.SeenEvent) error {
		got = append(got, "seen:"+e.SenderID)
		return nil
	})
	h.OnEvent(func(_ context.Context, e instagram.WebhookEvent) error {
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
	kinds := map[instagram.EventKind]int{}
	h2 := instagram.NewWebhookHandler(whSecret)
	h2.OnLiveComment(func(context.Context, *instagram.CommentEvent) error { kinds[instagram.EventLiveComment]++; return nil })
	h2.OnMention(func(context.Context, *instagram.MentionEvent) error { kinds[instagram.EventMention]++; return nil })
	h2.OnStoryInsights(func(context.Context, *instagram.StoryInsightsEvent) error {
		kinds[instagram.EventStoryInsights]++
		return nil
	})
	h2.OnMessageEcho(func(context.Context, *instagram.MessageEvent) error { kinds[instagram.EventMessageEcho]++; return nil })
	h2.OnMessageEdit(func(context.Context, *instagram.MessageEditEvent) error {
		kinds[instagram.EventMessageEdit]++
		return nil
	})
	h2.OnReaction(func(context.Context, *instagram.ReactionEvent) error { kinds[instagram.EventReaction]++; return nil })
	h2.OnPostback(func(context.Context, *instagram.PostbackEvent) error { kinds[instagram.EventPostback]++; return nil })
	h2.OnOptin(func(context.Context, *instagram.OptinEvent) error { kinds[instagram.EventOptin]++; return nil })
	h2.OnReferral(func(context.Context, *instagram.ReferralEvent) error { kinds[instagram.EventReferral]++; return nil })
	h2.OnUnknown(func(context.Context, *instagram.UnknownEvent) error { kinds[instagram.EventUnknown]++; return nil })
	for _, f := range []string{"live_comments.json", "mentions.json", "story_insights.json", "message_echoes.json",
		"message_edit.json", "message_reactions.json", "messaging_postbacks.json", "messaging_optins.json",
		"messaging_referral.json", "unknown_fields.json", "comments.json", "messages.json"} {
		require.Equal(t, http.StatusOK, signed(h2, fixture(t, "webhooks/"+f)).Code, f)
	}
	assert.Equal(t, map[instagram.EventKind]int{
		instagram.EventLiveComment: 1, instagram.EventMention: 2, instagram.EventStoryInsights: 1,
		instagram.EventMessageEcho: 1, instagram.EventMessageEdit: 1, instagram.EventReaction: 2,
		instagram.EventPostback: 1, instagram.EventOptin: 1, instagram.EventReferral: 1, instagram.EventUnknown: 2,
	}, kinds)

	// Handle with a nil function removes a registration.
	h2.Handle(instagram.EventMention, nil)
	require.Equal(t, http.StatusOK, signed(h2, fixture(t, "webhooks/mentions.json")).Code)
	assert.Equal(t, 2, kinds[instagram.EventMention])
}

func TestFunctionErrorAnswers500AndStops(t *testing.T) {
	h := instagram.NewWebhookHandler(whSecret)
	var ran []string
	h.OnComment(func(_ context.Context, e *instagram.CommentEvent) error {
		ran = append(ran, e.ID)
		return errors.New("database down")
	})
	h.OnMessage(func(_ context.Context, e *instagram.MessageEvent) error {
		ran = append(ran, e.Message.MID)
		return nil
	})
	assert.Equal(t, http.StatusInternalServerError, signed(h, fixture(t, "webhooks/batch.json")).Code)
	assert.Equal(t, []string{"18100022233344455"}, ran)

	p := instagram.NewWebhookHandler(whSecret)
	p.OnEvent(func(context.Context, instagram.WebhookEvent) error { panic("boom") })
	assert.Equal(t, http.StatusInternalServerError, signed(p, fixture(t, "webhooks/messages.json")).Code)
}

func TestDedupDropsRedeliveriesAndRetriesFailures(t *testing.T) {
	store := &instagram.MemoryDedup{}
	h := instagram.NewWebhookHandler(whSecret, instagram.WithDedup(store, 0))
	calls := map[string]int{}
	fail := true
	h.OnMessage(func(_ context.Context, e *instagram.MessageEvent) error {
		calls[e.Message.MID]++
		if fail && e.Message.MID == "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwNzc3OjEw" {
			return errors.New("temporarily failing")
		}
		return nil
	})
	var comments int
	h.OnComment(func(context.Context, *instagram.CommentEvent) error { comments++; return nil })

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

type failingStore struct{}

func (failingStore) MarkSeen(context.Context, string, time.Duration) (bool, error) {
	return false, errors.New("redis unreachable")
}
func (failingStore) Forget(context.Context, string) error { return nil }

func TestDedupStoreErrorAnswers500(t *testing.T) {
	var n atomic.Int64
	h := counting(&n, instagram.WithDedup(failingStore{}, time.Hour))
	assert.Equal(t, http.StatusInternalServerError, signed(h, fixture(t, "webhooks/messages.json")).Code)
	assert.Zero(t, n.Load())
}

func TestParseWebhookForOwnRouters(t *testing.T) {
	body := fixture(t, "webhooks/message_reactions.json")
	r := httptest.NewRequest(http.MethodPost, "/hooks/ig", bytes.NewReader(body))
	r.Header.Set(instagram.SignatureHeader, instagram.SignWebhook(body, whSecret))
	events, err := instagram.ParseWebhook(r, whSecret)
	require.NoError(t, err)
	require.Len(t, events, 2)
	assert.Equal(t, "react", events[0].(*instagram.ReactionEvent).Action)

	events, err = instagram.ParseWebhookBody(body, instagram.SignWebhook(body, whSecret), whSecret)
	require.NoError(t, err)
	assert.Len(t, events, 2)

	cases := []struct {
		req    func() *http.Request
		opts   []instagram.WebhookOption
		status int
		target error
	}{
		{func() *http.Request { return httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)) }, nil, 401, instagram.ErrSignatureMissing},
		{func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.Header.Set(instagram.SignatureHeader, instagram.SignWebhook(body, "x"))
			return r
		}, nil, 403, instagram.ErrSignatureInvalid},
		{func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.Header.Set(instagram.SignatureHeader, instagram.SignWebhook(body, whSecret))
			return r
		}, []instagram.WebhookOption{instagram.WithMaxBodyBytes(10)}, 413, instagram.ErrWebhookTooLarge},
		{func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{"))
			r.Header.Set(instagram.SignatureHeader, instagram.SignWebhook([]byte("{"), whSecret))
			return r
		}, nil, 400, instagram.ErrMalformedWebhook},
	}
	for i, c := range cases {
		_, err := instagram.ParseWebhook(c.req(), whSecret, c.opts...)
		assert.ErrorIsf(t, err, c.target, "case %d", i)
		assert.Equalf(t, c.status, instagram.WebhookStatus(err), "case %d", i)
	}
	assert.Equal(t, http.StatusOK, instagram.WebhookStatus(nil))
	assert.Equal(t, http.StatusInternalServerError, instagram.WebhookStatus(errors.New("mine")))

	// FilterDuplicates drops what was handled.
	store := &instagram.MemoryDedup{}
	first, err := instagram.FilterDuplicates(context.Background(), store, 0, events)
	require.NoError(t, err)
	assert.Len(t, first, 2)
	again, err := instagram.FilterDuplicates(context.Background(), store, 0, events)
	require.NoError(t, err)
	assert.Empty(t, again)
}
