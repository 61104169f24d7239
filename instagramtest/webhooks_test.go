package instagramtest

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testVerifyToken = "verify-me-42"

// receiver is a callback that answers verification requests for
// testVerifyToken and records deliveries.
type receiver struct {
	*httptest.Server
	mu        sync.Mutex
	gets      []url.Values
	posts     []*http.Request
	bodies    [][]byte
	status    func(n int) int // status of the n-th POST (from 1); 200 when nil
	onPost    func()
	challenge func(string) string // what to answer to a challenge
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		switch r.Method {
		case http.MethodGet:
			q := r.URL.Query()
			rc.gets = append(rc.gets, q)
			if q.Get("hub.verify_token") != testVerifyToken {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			c := q.Get("hub.challenge")
			if rc.challenge != nil {
				c = rc.challenge(c)
			}
			_, _ = io.WriteString(w, c)
		case http.MethodPost:
			b, _ := io.ReadAll(r.Body)
			rc.posts = append(rc.posts, r)
			rc.bodies = append(rc.bodies, b)
			if rc.onPost != nil {
				rc.onPost()
			}
			status := http.StatusOK
			if rc.status != nil {
				status = rc.status(len(rc.posts))
			}
			w.WriteHeader(status)
		}
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) received() ([]*http.Request, [][]byte) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]*http.Request(nil), rc.posts...), append([][]byte(nil), rc.bodies...)
}

func wait(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, s.WaitWebhooks(ctx))
}

func hexMAC(h func() hash.Hash, secret string, b []byte) string {
	m := hmac.New(h, []byte(secret))
	m.Write(b)
	return hex.EncodeToString(m.Sum(nil))
}

// subscribeApp calls POST /{app-id}/subscriptions with the app token.
func subscribeApp(t *testing.T, s *Server, callback string, fields string) answer {
	t.Helper()
	return postForm(t, s, s.AppAccessToken(), "/v25.0/"+s.AppID+"/subscriptions", url.Values{
		"object": {"instagram"}, "callback_url": {callback}, "verify_token": {testVerifyToken}, "fields": {fields},
	})
}

func TestWebhookSubscriptionHandshakeAndSignedDelivery(t *testing.T) {
	s := newTestServer(t)
	rc := newReceiver(t)

	a := subscribeApp(t, s, rc.URL+"/hook?app=1", "comments,messages,message_reactions")
	require.Equalf(t, http.StatusOK, a.Status, "%s", a.Raw)
	assert.JSONEq(t, `{"success":"true"}`, string(a.Raw))
	require.Len(t, rc.gets, 1)
	q := rc.gets[0]
	assert.Equal(t, "subscribe", q.Get("hub.mode"))
	assert.Equal(t, testVerifyToken, q.Get("hub.verify_token"))
	assert.Regexp(t, `^[0-9]{10}$`, q.Get("hub.challenge"))
	assert.Equal(t, "1", q.Get("app"), "the callback's own query is kept")

	a = postForm(t, s, s.AccessToken, "/v25.0/me/subscribed_apps", url.Values{"subscribed_fields": {"comments,message_reactions"}})
	require.Equalf(t, http.StatusOK, a.Status, "%s", a.Raw)

	s.mu.Lock()
	s.emitChange(s.UserID, "comments", map[string]any{
		"id": "17800000000000001", "text": "caf\u00e9 / bar", "from": map[string]string{"id": "99", "username": "u"},
		"media": map[string]string{"id": "18000000000000002", "media_product_type": "FEED"},
	})
	s.emitMessaging(s.UserID, map[string]any{
		"sender": map[string]string{"id": "5550001"}, "recipient": map[string]string{"id": s.UserID}, "timestamp": 1746104699001,
		"reaction": map[string]string{"mid": "m1", "action": "react", "reaction": "love", "emoji": "\u2764\ufe0f"},
	})
	// The account did not subscribe to messages: no delivery.
	s.emitMessaging(s.UserID, map[string]any{
		"sender": map[string]string{"id": "5550001"}, "recipient": map[string]string{"id": s.UserID}, "timestamp": 1746104699002,
		"message": map[string]string{"mid": "m2", "text": "hi"},
	})
	s.mu.Unlock()
	wait(t, s)

	posts, bodies := rc.received()
	require.Len(t, posts, 2)
	for i, r := range posts {
		assert.Equal(t, "/hook", r.URL.Path)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		assert.Equal(t, "sha256="+hexMAC(sha256.New, s.AppSecret, bodies[i]), r.Header.Get("X-Hub-Signature-256"))
		assert.Equal(t, "sha1="+hexMAC(sha1.New, s.AppSecret, bodies[i]), r.Header.Get("X-Hub-Signature"))
	}
	// Bodies are escaped the way Meta's are.
	assert.Contains(t, string(bodies[0]), `caf\u00e9 \/ bar`)

	var change struct {
		Object string `json:"object"`
		Entry  []struct {
			ID      string `json:"id"`
			Time    int64  `json:"time"`
			Changes []struct {
				Field string         `json:"field"`
				Value map[string]any `json:"value"`
			} `json:"changes"`
		} `json:"entry"`
	}
	require.NoError(t, json.Unmarshal(bodies[0], &change))
	assert.Equal(t, "instagram", change.Object)
	require.Len(t, change.Entry, 1)
	assert.Equal(t, s.UserID, change.Entry[0].ID)
	assert.InDelta(t, s.now().Unix(), change.Entry[0].Time, 5)
	require.Len(t, change.Entry[0].Changes, 1)
	assert.Equal(t, "comments", change.Entry[0].Changes[0].Field)
	assert.Equal(t, "café / bar", change.Entry[0].Changes[0].Value["text"])

	var msg struct {
		Entry []struct {
			ID        string           `json:"id"`
			Time      int64            `json:"time"`
			Messaging []map[string]any `json:"messaging"`
		} `json:"entry"`
	}
	require.NoError(t, json.Unmarshal(bodies[1], &msg))
	require.Len(t, msg.Entry[0].Messaging, 1)
	assert.InDelta(t, s.now().UnixMilli(), msg.Entry[0].Time, 5000, "messaging entries carry milliseconds")
	assert.Contains(t, msg.Entry[0].Messaging[0], "reaction")

	log := s.WebhookDeliveries()
	require.Len(t, log, 2)
	assert.Equal(t, []string{"comments", "message_reactions"}, []string{log[0].Field, log[1].Field})
	for i, d := range log {
		assert.Equal(t, i+1, d.Seq)
		assert.True(t, d.Done)
		assert.True(t, d.Delivered())
		assert.Equal(t, 1, d.Attempts)
		assert.Equal(t, bodies[i], d.Body)
		assert.Equal(t, s.UserID, d.AccountID)
	}
}

func TestMessagingFieldInference(t *testing.T) {
	for payload, want := range map[string][]string{
		`{"message":{"mid":"1","text":"x"}}`:                {"messages"},
		`{"message":{"mid":"1","text":"x","is_echo":true}}`: {"message_echoes", "messages"},
		`{"message_edit":{"mid":"1"}}`:                      {"message_edit"},
		`{"reaction":{"mid":"1"}}`:                          {"message_reactions"},
		`{"postback":{"payload":"p"}}`:                      {"messaging_postbacks"},
		`{"optin":{"type":"notification_messages"}}`:        {"messaging_optins"},
		`{"referral":{"ref":"r"}}`:                          {"messaging_referral"},
		`{"read":{"mid":"1"}}`:                              {"messaging_seen"},
	} {
		assert.Equal(t, want, messagingFields([]byte(payload)), payload)
	}
}

func TestEchoesReachEitherField(t *testing.T) {
	echo := map[string]any{"sender": map[string]string{"id": "1"}, "recipient": map[string]string{"id": "2"},
		"timestamp": 1, "message": map[string]any{"mid": "e1", "text": "sent by us", "is_echo": true}}
	for _, field := range []string{"messages", "message_echoes"} {
		s := newTestServer(t)
		rc := newReceiver(t)
		require.NoError(t, s.SubscribeWebhooks(rc.URL, testVerifyToken, field))
		n, err := s.DeliverMessagingWebhook(echo)
		require.NoError(t, err)
		assert.Equal(t, 1, n, field)
		wait(t, s)
		assert.Equal(t, field, s.WebhookDeliveries()[0].Field)
	}
}

func TestAppSubscriptionErrors(t *testing.T) {
	s := newTestServer(t)
	rc := newReceiver(t)
	path := "/v25.0/" + s.AppID + "/subscriptions"
	good := url.Values{"object": {"instagram"}, "callback_url": {rc.URL}, "verify_token": {testVerifyToken}, "fields": {"comments"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vs := range good {
			f[key] = vs
		}
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
		return f
	}
	cases := []struct {
		name    string
		token   string
		path    string
		form    url.Values
		code    int
		subcode int
	}{
		{"no token", "", path, good, 104, 0},
		{"user token", s.AccessToken, path, good, 15, 0},
		{"page token", s.PageAccessToken, path, good, 15, 0},
		{"other app", s.AppAccessToken(), "/v25.0/1999999999999999/subscriptions", good, 100, 33},
		{"no object", s.AppAccessToken(), path, with("object", ""), 100, 0},
		{"bad object", s.AppAccessToken(), path, with("object", "galaxy"), 100, 0},
		{"no callback", s.AppAccessToken(), path, with("callback_url", ""), 100, 0},
		{"bad callback", s.AppAccessToken(), path, with("callback_url", "ftp://x"), 100, 0},
		{"no verify token", s.AppAccessToken(), path, with("verify_token", ""), 100, 0},
		{"no fields", s.AppAccessToken(), path, with("fields", ""), 100, 0},
		{"bad field", s.AppAccessToken(), path, with("fields", "comments,weather"), 100, 0},
		{"wrong verify token", s.AppAccessToken(), path, with("verify_token", "nope"), 2200, 0},
	}
	for _, c := range cases {
		a := postForm(t, s, c.token, c.path, c.form)
		require.NotEqualf(t, http.StatusOK, a.Status, "%s: %s", c.name, a.Raw)
		code, sub := a.code(t)
		assert.Equal(t, c.code, code, c.name)
		assert.Equal(t, c.subcode, sub, c.name)
	}

	// A callback that answers something else than the challenge, fails,
	// or is not there.
	rc.mu.Lock()
	rc.challenge = func(string) string { return "hello" }
	rc.mu.Unlock()
	a := subscribeApp(t, s, rc.URL, "comments")
	code, _ := a.code(t)
	assert.Equal(t, 2200, code)
	assert.Contains(t, a.graphErr(t)["message"], "does not match challenge")

	down := httptest.NewServer(http.NotFoundHandler())
	a = subscribeApp(t, s, down.URL, "comments")
	code, _ = a.code(t)
	assert.Equal(t, 2200, code)
	down.Close()
	a = subscribeApp(t, s, down.URL, "comments")
	code, _ = a.code(t)
	assert.Equal(t, 2200, code)

	// Nothing was subscribed by the failures.
	subs := data(t, get(t, s, s.AppAccessToken(), path))
	assert.Empty(t, subs)
}

func TestSubscribedAppsErrors(t *testing.T) {
	s := newTestServer(t)
	a := postForm(t, s, s.AccessToken, "/v25.0/me/subscribed_apps", url.Values{})
	code, _ := a.code(t)
	assert.Equal(t, 100, code)
	a = postForm(t, s, s.AccessToken, "/v25.0/me/subscribed_apps", url.Values{"subscribed_fields": {"comments,feed"}})
	code, _ = a.code(t)
	assert.Equal(t, 100, code)
	assert.Contains(t, a.graphErr(t)["message"], "subscribed_fields[1]")

	// Pages want a Page token.
	a = get(t, s, s.FacebookAccessToken, "/v25.0/"+s.PageID+"/subscribed_apps")
	code, _ = a.code(t)
	assert.Equal(t, 210, code)
	// A Page takes Page fields only: Instagram fields are refused as Meta
	// refuses them (they belong to the app's instagram subscription).
	a = postForm(t, s, s.PageAccessToken, "/v25.0/"+s.PageID+"/subscribed_apps", url.Values{"subscribed_fields": {`["comments","mentions"]`}})
	code, _ = a.code(t)
	assert.Equal(t, 100, code)
	assert.Contains(t, a.graphErr(t)["message"], `subscribed_fields[0] must be one of {feed,`)
	assert.Contains(t, a.graphErr(t)["message"], `got "comments"`)
	a = postForm(t, s, s.PageAccessToken, "/v25.0/"+s.PageID+"/subscribed_apps", url.Values{"subscribed_fields": {"feed"}})
	require.Equalf(t, http.StatusOK, a.Status, "%s", a.Raw)
	apps := data(t, get(t, s, s.PageAccessToken, "/v25.0/"+s.PageID+"/subscribed_apps"))
	require.Len(t, apps, 1)
	assert.Equal(t, []any{"feed"}, apps[0]["subscribed_fields"])

	// The app installed on the Page lets the account's Instagram fields of
	// the app's instagram subscription through; a messaging field also
	// needs its Page counterpart.
	rc := newReceiver(t)
	require.Equal(t, http.StatusOK, subscribeApp(t, s, rc.URL, "mentions").Status)
	require.Equal(t, http.StatusOK, subscribeApp(t, s, rc.URL, "messages").Status)
	n, err := s.DeliverWebhook("mentions", map[string]string{"media_id": "1"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	n, err = s.DeliverMessagingWebhook(map[string]any{"sender": map[string]string{"id": "1"}, "recipient": map[string]string{"id": s.UserID}, "timestamp": 1, "message": map[string]string{"mid": "m", "text": "hi"}})
	require.NoError(t, err)
	assert.Equal(t, 0, n, "messages needs the Page's messages field")
	a = postForm(t, s, s.PageAccessToken, "/v25.0/"+s.PageID+"/subscribed_apps", url.Values{"subscribed_fields": {"feed,messages"}})
	require.Equalf(t, http.StatusOK, a.Status, "%s", a.Raw)
	n, err = s.DeliverMessagingWebhook(map[string]any{"sender": map[string]string{"id": "1"}, "recipient": map[string]string{"id": s.UserID}, "timestamp": 2, "message": map[string]string{"mid": "m2", "text": "hi"}})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	wait(t, s)
}

func TestDeliveryRetriesAndFailures(t *testing.T) {
	s := newTestServer(t, WithWebhookRetries(2))
	rc := newReceiver(t)
	rc.status = func(n int) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}
	require.NoError(t, s.SubscribeWebhooks(rc.URL, testVerifyToken, "comments"))
	for i := 0; i < 3; i++ {
		_, err := s.DeliverWebhook("comments", map[string]any{"id": string(rune('a' + i))})
		require.NoError(t, err)
	}
	wait(t, s)
	log := s.WebhookDeliveries()
	require.Len(t, log, 3)
	assert.Equal(t, 3, log[0].Attempts, "two failures, then success")
	assert.True(t, log[0].Delivered())
	assert.Equal(t, 1, log[1].Attempts)
	_, bodies := rc.received()
	require.Len(t, bodies, 5)
	// Redeliveries are byte for byte the same; order is kept.
	assert.Equal(t, bodies[0], bodies[1])
	assert.Equal(t, bodies[0], bodies[2])
	assert.Contains(t, string(bodies[3]), `"id":"b"`)
	assert.Contains(t, string(bodies[4]), `"id":"c"`)

	// Without retries a failure is final; an unreachable callback is
	// reported as such.
	s2 := newTestServer(t)
	rc2 := newReceiver(t)
	rc2.status = func(int) int { return http.StatusServiceUnavailable }
	require.NoError(t, s2.SubscribeWebhooks(rc2.URL, testVerifyToken, "comments"))
	_, _ = s2.DeliverWebhook("comments", map[string]any{"id": "x"})
	wait(t, s2)
	d := s2.WebhookDeliveries()[0]
	assert.Equal(t, http.StatusServiceUnavailable, d.Status)
	assert.False(t, d.Delivered())
	assert.True(t, d.Done)
	rc2.Close()
	_, _ = s2.DeliverWebhook("comments", map[string]any{"id": "y"})
	wait(t, s2)
	d = s2.WebhookDeliveries()[1]
	assert.Zero(t, d.Status)
	assert.NotEmpty(t, d.Err)
}

// Deliveries leave without the state lock: a callback may call the API
// while handling one, as real bots do.
func TestCallbackMayCallTheAPI(t *testing.T) {
	s := newTestServer(t)
	rc := newReceiver(t)
	var status int
	rc.onPost = func() {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/v25.0/me?fields=username", nil)
		req.Header.Set("Authorization", "Bearer "+s.AccessToken)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			status = res.StatusCode
			res.Body.Close()
		}
	}
	require.NoError(t, s.SubscribeWebhooks(rc.URL, testVerifyToken, "comments"))
	_, err := s.DeliverWebhook("comments", map[string]any{"id": "1"})
	require.NoError(t, err)
	wait(t, s)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	assert.Equal(t, http.StatusOK, status)
}

func TestSubscribeWebhooksHelperChecks(t *testing.T) {
	s := newTestServer(t)
	rc := newReceiver(t)
	assert.Error(t, s.SubscribeWebhooks(rc.URL, testVerifyToken))
	assert.Error(t, s.SubscribeWebhooks(rc.URL, testVerifyToken, "weather"))
	assert.Error(t, s.SubscribeWebhooks(rc.URL, "wrong", "comments"))
	_, err := s.DeliverWebhook("comments", func() {})
	assert.Error(t, err)
	n, err := s.DeliverWebhook("comments", map[string]string{"id": "1"})
	require.NoError(t, err)
	assert.Zero(t, n, "nothing subscribed")
	assert.Empty(t, s.WebhookDeliveries())
	// Waiting with nothing queued returns at once.
	wait(t, s)
	assert.True(t, strings.HasPrefix(rc.URL, "http://"))
}
