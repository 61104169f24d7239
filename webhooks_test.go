package instagram_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
	"github.com/igsdk/instagram/webhook"
)

func newFake(t *testing.T, opts ...instagramtest.Option) (*instagramtest.Server, *instagram.Client) {
	t.Helper()
	srv := instagramtest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	require.NoError(t, err)
	return srv, c
}

func waitWebhooks(t *testing.T, srv *instagramtest.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitWebhooks(ctx))
}

func graphCode(t *testing.T, err error) int {
	t.Helper()
	var e *instagram.Error
	require.Truef(t, errors.As(err, &e), "error %v is not an *instagram.Error", err)
	return e.Code
}

func TestAccountSubscriptionLifecycle(t *testing.T) {
	srv, c := newFake(t)
	ctx := context.Background()

	apps, err := c.Webhooks.SubscribedApps(ctx, "me")
	require.NoError(t, err)
	assert.Empty(t, apps)

	require.NoError(t, c.Webhooks.Subscribe(ctx, "me", instagram.FieldMessages, instagram.FieldComments))
	apps, err = c.Webhooks.SubscribedApps(ctx, srv.UserID)
	require.NoError(t, err)
	require.Len(t, apps, 1)
	assert.Equal(t, srv.AppID, apps[0].AppID)
	assert.Equal(t, []string{"comments", "messages"}, apps[0].SubscribedFields)

	// A new list replaces the old one.
	require.NoError(t, c.Webhooks.Subscribe(ctx, "me", instagram.FieldMessageReactions))
	apps, err = c.Webhooks.SubscribedApps(ctx, "me")
	require.NoError(t, err)
	assert.Equal(t, []string{"message_reactions"}, apps[0].SubscribedFields)

	// Unknown fields are refused by the API.
	err = c.Webhooks.Subscribe(ctx, "me", "comments", "not_a_field")
	assert.Equal(t, 100, graphCode(t, err))

	require.NoError(t, c.Webhooks.Unsubscribe(ctx, "me"))
	apps, err = c.Webhooks.SubscribedApps(ctx, "me")
	require.NoError(t, err)
	assert.Empty(t, apps)

	// Checks made before any call.
	before := len(srv.Requests())
	assert.ErrorIs(t, c.Webhooks.Subscribe(ctx, "me"), instagram.ErrValidation)
	assert.ErrorIs(t, c.Webhooks.Subscribe(ctx, "me", "comments,messages"), instagram.ErrValidation)
	assert.ErrorIs(t, c.Webhooks.Subscribe(ctx, "", "comments"), instagram.ErrValidation)
	_, err = c.Webhooks.SubscribedApps(ctx, " ")
	assert.ErrorIs(t, err, instagram.ErrValidation)
	assert.ErrorIs(t, c.Webhooks.Unsubscribe(ctx, ""), instagram.ErrValidation)
	assert.Equal(t, before, len(srv.Requests()))

	// The POST carried the fields as Meta names them.
	var sawPost bool
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && r.Path == "/me/subscribed_apps" {
			sawPost = true
			assert.NotEmpty(t, r.Form.Get("subscribed_fields")+r.Query.Get("subscribed_fields"))
		}
	}
	assert.True(t, sawPost)
}

func TestPageSubscriptionWithFacebookLogin(t *testing.T) {
	srv, _ := newFake(t)
	ctx := context.Background()
	pageClient, err := srv.FacebookClient(instagram.WithAccessToken(srv.PageAccessToken))
	require.NoError(t, err)
	require.NoError(t, pageClient.Webhooks.Subscribe(ctx, srv.PageID, instagram.FieldComments, instagram.FieldMentions))
	apps, err := pageClient.Webhooks.SubscribedApps(ctx, srv.PageID)
	require.NoError(t, err)
	require.Len(t, apps, 1)
	assert.Equal(t, srv.AppID, apps[0].ID)
	assert.Equal(t, []string{"comments", "mentions"}, apps[0].SubscribedFields)

	// A user token is not enough on a Page.
	userClient, err := srv.FacebookClient()
	require.NoError(t, err)
	_, err = userClient.Webhooks.SubscribedApps(ctx, srv.PageID)
	assert.Equal(t, 210, graphCode(t, err))

	require.NoError(t, pageClient.Webhooks.Unsubscribe(ctx, srv.PageID))
	apps, err = pageClient.Webhooks.SubscribedApps(ctx, srv.PageID)
	require.NoError(t, err)
	assert.Empty(t, apps)
}

// whVerify is the verify token of the test callbacks, whIGSID a person.
const (
	whVerify = "my-verify-token-7731"
	whIGSID  = "7219432017765481"
)

// callback serves a webhook.Handler and collects what it decodes.
type callback struct {
	*httptest.Server
	h      *webhook.Handler
	mu     sync.Mutex
	events []webhook.Event
}

func newCallback(t *testing.T, secret string, opts webhook.Options) *callback {
	t.Helper()
	opts.VerifyToken = whVerify
	cb := &callback{h: webhook.NewHandler(secret, opts)}
	cb.h.OnEvent(func(_ context.Context, e webhook.Event) error {
		cb.mu.Lock()
		defer cb.mu.Unlock()
		cb.events = append(cb.events, e)
		return nil
	})
	mux := http.NewServeMux()
	mux.Handle("/webhook", cb.h)
	cb.Server = httptest.NewServer(mux)
	t.Cleanup(cb.Close)
	return cb
}

func (cb *callback) got() []webhook.Event {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	return append([]webhook.Event(nil), cb.events...)
}

func TestAppSubscriptionLifecycle(t *testing.T) {
	srv, c := newFake(t)
	ctx := context.Background()
	cb := newCallback(t, srv.AppSecret, webhook.Options{})
	appToken := srv.AppAccessToken()

	subs, err := c.Webhooks.AppSubscriptions(ctx, srv.AppID, appToken)
	require.NoError(t, err)
	assert.Empty(t, subs)

	// The fake answers success as the string "true", as Meta's sample does.
	require.NoError(t, c.Webhooks.SubscribeApp(ctx, srv.AppID, appToken, instagram.SubscribeAppOptions{
		CallbackURL: cb.URL + "/webhook", VerifyToken: whVerify,
		Fields: []string{instagram.FieldComments, instagram.FieldMessages},
	}))
	require.NoError(t, c.Webhooks.SubscribeApp(ctx, srv.AppID, appToken, instagram.SubscribeAppOptions{
		Object: "instagram", CallbackURL: cb.URL + "/webhook", VerifyToken: whVerify,
		Fields: []string{instagram.FieldMessagingSeen},
	}))
	subs, err = c.Webhooks.AppSubscriptions(ctx, srv.AppID, appToken)
	require.NoError(t, err)
	require.Len(t, subs, 1)
	assert.Equal(t, "instagram", subs[0].Object)
	assert.Equal(t, cb.URL+"/webhook", subs[0].CallbackURL)
	assert.True(t, bool(subs[0].Active))
	var names []string
	for _, f := range subs[0].Fields {
		names = append(names, f.Name)
		assert.Equal(t, c.APIVersion(), f.Version)
	}
	assert.Equal(t, []string{"comments", "messages", "messaging_seen"}, names)

	// The app calls carry the app token, never the client's user token.
	for _, r := range srv.Requests() {
		if r.Path == "/"+srv.AppID+"/subscriptions" {
			assert.Empty(t, r.Header.Get("Authorization"), "%s %s", r.Method, r.Path)
			assert.Equal(t, "REDACTED", r.Query.Get("access_token"))
			assert.Empty(t, r.Query.Get("appsecret_proof"))
		}
	}

	require.NoError(t, c.Webhooks.UnsubscribeApp(ctx, srv.AppID, appToken, "instagram", instagram.FieldMessagingSeen))
	subs, err = c.Webhooks.AppSubscriptions(ctx, srv.AppID, appToken)
	require.NoError(t, err)
	require.Len(t, subs, 1)
	assert.Len(t, subs[0].Fields, 2)
	require.NoError(t, c.Webhooks.UnsubscribeApp(ctx, srv.AppID, appToken, "instagram"))
	subs, err = c.Webhooks.AppSubscriptions(ctx, srv.AppID, appToken)
	require.NoError(t, err)
	assert.Empty(t, subs)
}

func TestAppSubscriptionNeedsAVerifiedCallback(t *testing.T) {
	srv, c := newFake(t)
	ctx := context.Background()
	cb := newCallback(t, srv.AppSecret, webhook.Options{})
	opts := instagram.SubscribeAppOptions{CallbackURL: cb.URL + "/webhook", VerifyToken: "not-the-token", Fields: []string{"comments"}}
	err := c.Webhooks.SubscribeApp(ctx, srv.AppID, srv.AppAccessToken(), opts)
	assert.Equal(t, 2200, graphCode(t, err))
	subs, err := c.Webhooks.AppSubscriptions(ctx, srv.AppID, srv.AppAccessToken())
	require.NoError(t, err)
	assert.Empty(t, subs)

	// A user token in the app token's place is refused by the API...
	err = c.Webhooks.SubscribeApp(ctx, srv.AppID, srv.AppID+"|wrong-secret", instagram.SubscribeAppOptions{
		CallbackURL: cb.URL + "/webhook", VerifyToken: whVerify, Fields: []string{"comments"}})
	assert.Equal(t, 190, graphCode(t, err))

	// ... and malformed input never leaves the client.
	before := len(srv.Requests())
	good := instagram.SubscribeAppOptions{CallbackURL: cb.URL + "/webhook", VerifyToken: whVerify, Fields: []string{"comments"}}
	for name, call := range map[string]func() error{
		"not an app token": func() error { return c.Webhooks.SubscribeApp(ctx, srv.AppID, srv.AccessToken, good) },
		"no app id":        func() error { return c.Webhooks.SubscribeApp(ctx, "", srv.AppAccessToken(), good) },
		"no callback": func() error {
			o := good
			o.CallbackURL = ""
			return c.Webhooks.SubscribeApp(ctx, srv.AppID, srv.AppAccessToken(), o)
		},
		"relative callback": func() error {
			o := good
			o.CallbackURL = "/webhook"
			return c.Webhooks.SubscribeApp(ctx, srv.AppID, srv.AppAccessToken(), o)
		},
		"no verify token": func() error {
			o := good
			o.VerifyToken = ""
			return c.Webhooks.SubscribeApp(ctx, srv.AppID, srv.AppAccessToken(), o)
		},
		"no fields": func() error {
			o := good
			o.Fields = nil
			return c.Webhooks.SubscribeApp(ctx, srv.AppID, srv.AppAccessToken(), o)
		},
		"no object": func() error { return c.Webhooks.UnsubscribeApp(ctx, srv.AppID, srv.AppAccessToken(), "") },
		"list":      func() error { _, err := c.Webhooks.AppSubscriptions(ctx, srv.AppID, "token"); return err },
	} {
		assert.ErrorIs(t, call(), instagram.ErrValidation, name)
	}
	assert.Equal(t, before, len(srv.Requests()))
}

// End to end: the SDK subscribes app and account on the fake server, the
// fake delivers signed events, the SDK's handler decodes them.
func TestWebhooksEndToEnd(t *testing.T) {
	srv, c := newFake(t)
	ctx := context.Background()
	cb := newCallback(t, srv.AppSecret, webhook.Options{})
	var comments, messages []string
	cb.h.OnComment(func(_ context.Context, e *webhook.CommentEvent) error {
		comments = append(comments, e.ID+":"+e.Text)
		return nil
	})
	cb.h.OnMessage(func(_ context.Context, e *webhook.MessageEvent) error {
		messages = append(messages, e.SenderID+":"+e.Message.Text)
		return nil
	})

	require.NoError(t, c.Webhooks.SubscribeApp(ctx, srv.AppID, srv.AppAccessToken(), instagram.SubscribeAppOptions{
		CallbackURL: cb.URL + "/webhook", VerifyToken: whVerify,
		Fields: []string{instagram.FieldComments, instagram.FieldMessages, instagram.FieldMessageReactions},
	}))
	require.NoError(t, c.Webhooks.Subscribe(ctx, "me", instagram.FieldComments, instagram.FieldMessages))

	n, err := srv.DeliverWebhook("comments", map[string]any{
		"id": "17990000000000001", "text": "Lovely crust / crumb \u00e9",
		"from":  map[string]string{"id": "6120483375561182", "username": "harbor.bakery.fan"},
		"media": map[string]string{"id": "18052217733190584", "media_product_type": "FEED"},
	})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	n, err = srv.DeliverMessagingWebhook(map[string]any{
		"sender": map[string]string{"id": whIGSID}, "recipient": map[string]string{"id": srv.UserID},
		"timestamp": 1746100900120,
		"message":   map[string]any{"mid": "mid.e2e.1", "text": "hello there"},
	})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	// The app subscribed to reactions but the account did not: nothing is
	// delivered.
	n, err = srv.DeliverMessagingWebhook(map[string]any{
		"sender": map[string]string{"id": whIGSID}, "recipient": map[string]string{"id": srv.UserID},
		"timestamp": 1746100900999, "reaction": map[string]any{"mid": "mid.e2e.1", "action": "react", "reaction": "love"},
	})
	require.NoError(t, err)
	assert.Zero(t, n)

	waitWebhooks(t, srv)
	assert.Equal(t, []string{"17990000000000001:Lovely crust / crumb \u00e9"}, comments)
	assert.Equal(t, []string{whIGSID + ":hello there"}, messages)
	got := cb.got()
	require.Len(t, got, 2)
	assert.Equal(t, srv.UserID, got[0].Base().AccountID)
	assert.Equal(t, "instagram", got[0].Base().Object)

	log := srv.WebhookDeliveries()
	require.Len(t, log, 2)
	for _, d := range log {
		assert.True(t, d.Delivered(), "delivery %d answered %d", d.Seq, d.Status)
		assert.Equal(t, webhook.Sign(d.Body, srv.AppSecret), d.Signature256)
	}
	assert.Equal(t, "comments", log[0].Field)
	assert.Equal(t, "messages", log[1].Field)

	// After the account unsubscribes, events stop.
	require.NoError(t, c.Webhooks.Unsubscribe(ctx, "me"))
	n, err = srv.DeliverWebhook("comments", map[string]any{"id": "1", "text": "late"})
	require.NoError(t, err)
	assert.Zero(t, n)
}

// Meta's redeliveries, simulated by the fake's retries, meet the handler's
// de-duplication: a failing function is retried, a succeeded one is not
// run twice.
func TestRedeliveryWithDedupEndToEnd(t *testing.T) {
	srv, _ := newFake(t, instagramtest.WithWebhookRetries(3))
	cb := newCallback(t, srv.AppSecret, webhook.Options{Dedup: &webhook.MemoryDedup{}})
	failures := 2
	var handled int
	cb.h.OnMention(func(context.Context, *webhook.MentionEvent) error {
		if failures > 0 {
			failures--
			return errors.New("not yet")
		}
		handled++
		return nil
	})
	require.NoError(t, srv.SubscribeWebhooks(cb.URL+"/webhook", whVerify, "mentions"))
	_, err := srv.DeliverWebhook("mentions", map[string]string{"media_id": "17933300485721004"})
	require.NoError(t, err)
	waitWebhooks(t, srv)
	log := srv.WebhookDeliveries()
	require.Len(t, log, 1)
	assert.Equal(t, 3, log[0].Attempts)
	assert.True(t, log[0].Delivered())
	assert.Equal(t, 1, handled)
}
