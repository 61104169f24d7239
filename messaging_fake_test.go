package instagram_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
	"github.com/igsdk/instagram/message"
	"github.com/igsdk/instagram/webhook"
)

// settableClock is a server clock tests move by hand.
type settableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *settableClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newSettableClock() *settableClock {
	return &settableClock{t: time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)}
}

func TestMessagingOnFakeServer(t *testing.T) { synctest.Test(t, testMessagingOnFakeServer) }

// testMessagingOnFakeServer runs in a synctest bubble on the in-memory
// network: the messaging pacing waits on the fake's clock.
func testMessagingOnFakeServer(t *testing.T) {
	srv, c := bubbleFakeServer(t)
	ctx := context.Background()
	ana := srv.ContactID("ana.makes")
	in := srv.SimulateIncomingMessage(ana, "Hi! Is the tote in stock?")
	me := srv.UserID
	post := srv.Media()[0]

	page, err := c.Messaging.Conversations(ctx, me, &instagram.ConversationsOptions{UserID: ana})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	convID := page.Data[0].ID

	sent := map[string]*message.Message{
		"text":     message.Text("Yes, in three colours 🎨"),
		"image":    message.Image(message.FromURL("https://cdn.example.com/tote.jpg")),
		"saved":    message.Image(message.FromAttachment("1857777774821032")),
		"images":   message.Images(message.FromURL("https://cdn.example.com/1.jpg"), message.FromURL("https://cdn.example.com/2.jpg")),
		"audio":    message.Audio(message.FromURL("https://cdn.example.com/hello.mp3")),
		"video":    message.Video(message.FromURL("https://cdn.example.com/demo.mp4")),
		"file":     message.File(message.FromURL("https://cdn.example.com/sizes.pdf")),
		"post":     message.SharedPost(post.ID),
		"heart":    message.LikeHeart(),
		"template": message.GenericTemplate(message.Element{Title: "Tote", Buttons: []message.Button{message.PostbackButton("Buy", "BUY")}}),
		"quick":    message.Text("Which colour?").WithQuickReplies(message.TextQuickReply("Blue", "BLUE"), message.TextQuickReply("Sand", "SAND")),
	}
	order := []string{"text", "image", "saved", "images", "audio", "video", "file", "post", "heart", "template", "quick"}
	ids := map[string]string{}
	for _, k := range order {
		res, err := c.Messaging.Send(ctx, me, ana, sent[k], nil)
		require.NoError(t, err, k)
		assert.Equal(t, ana, res.RecipientID)
		ids[k] = res.MessageID
	}
	res, err := c.Messaging.Send(ctx, "me", ana, message.Text("About your question"), &instagram.SendOptions{ReplyTo: in})
	require.NoError(t, err)
	ids["reply"] = res.MessageID

	msgs, ok := srv.Conversation(ana)
	require.True(t, ok)
	require.Len(t, msgs, 1+len(order)+1)
	assert.Equal(t, in, msgs[0].ID)
	assert.Equal(t, ana, msgs[0].FromID)
	assert.Equal(t, "Yes, in three colours 🎨", msgs[1].Text)
	assert.Equal(t, []string{"image", "image"}, msgs[4].Attachments)
	assert.Equal(t, []string{post.Permalink}, msgs[8].Shares)
	assert.Equal(t, []string{"like_heart"}, msgs[9].Attachments)
	assert.Equal(t, in, msgs[len(msgs)-1].ReplyTo)

	// The conversation and its messages read back, newest first.
	cv, err := c.Messaging.Conversation(ctx, convID, nil)
	require.NoError(t, err)
	require.Len(t, cv.Participants.Data, 2)
	assert.ElementsMatch(t, []string{me, ana}, []string{cv.Participants.Data[0].ID, cv.Participants.Data[1].ID})
	require.NotEmpty(t, cv.Messages.Data)
	assert.Equal(t, ids["reply"], cv.Messages.Data[0].ID)
	assert.Equal(t, "About your question", cv.Messages.Data[0].Message)
	assert.Equal(t, srv.Account().Username, cv.Messages.Data[0].From.Username)
	assert.Equal(t, "ana.makes", cv.Messages.Data[0].To.Data[0].Username)

	m, err := c.Messaging.Message(ctx, in, nil)
	require.NoError(t, err)
	assert.Equal(t, "Hi! Is the tote in stock?", m.Message)
	assert.Equal(t, ana, m.From.ID)
	m, err = c.Messaging.Message(ctx, ids["images"], nil)
	require.NoError(t, err)
	require.Len(t, m.Attachments.Data, 2)
	assert.Equal(t, "https://cdn.example.com/2.jpg", m.Attachments.Data[1].ImageData.URL)
	m, err = c.Messaging.Message(ctx, ids["video"], nil)
	require.NoError(t, err)
	assert.Equal(t, "https://cdn.example.com/demo.mp4", m.Attachments.Data[0].VideoData.URL)
	m, err = c.Messaging.Message(ctx, ids["post"], nil)
	require.NoError(t, err)
	assert.Equal(t, post.Permalink, m.Shares.Data[0].Link)

	// Sender actions and reactions.
	for _, a := range []instagram.SenderAction{instagram.SenderActionMarkSeen, instagram.SenderActionTypingOn, instagram.SenderActionTypingOff} {
		require.NoError(t, c.Messaging.SendAction(ctx, me, ana, a))
	}
	require.NoError(t, c.Messaging.React(ctx, me, ana, in, instagram.ReactionLove))
	m, err = c.Messaging.Message(ctx, in, &instagram.GetOptions{Fields: []string{"reactions"}})
	require.NoError(t, err)
	require.Len(t, m.Reactions.Data, 1)
	assert.Equal(t, "love", m.Reactions.Data[0].Reaction)
	assert.Equal(t, me, m.Reactions.Data[0].Users[0].ID)
	require.NoError(t, c.Messaging.Unreact(ctx, me, ana, in))
	msgs, _ = srv.Conversation(ana)
	assert.Empty(t, msgs[0].Reactions)
	err = c.Messaging.React(ctx, me, ana, "not-a-message", "love")
	assert.ErrorIs(t, err, instagram.ErrValidation)

	var n int
	for cv, err := range c.Messaging.AllConversations(ctx, me, nil) {
		require.NoError(t, err)
		assert.Equal(t, convID, cv.ID)
		n++
	}
	assert.Equal(t, 1, n)
}

func TestMessagingWindowOnFakeServer(t *testing.T) {
	clock := newSettableClock()
	srv, c := fakeServer(t, instagramtest.WithClock(clock.Now))
	ctx := context.Background()
	me := srv.UserID
	ana := srv.ContactID("ana.makes")

	_, err := c.Messaging.SendText(ctx, me, ana, "hello?")
	assert.ErrorIs(t, err, instagram.ErrValidation, "no conversation yet: no matching user")
	assert.NotErrorIs(t, err, instagram.ErrOutsideMessagingWindow)

	srv.SimulateIncomingMessage(ana, "hi")
	clock.Advance(23 * time.Hour)
	_, err = c.Messaging.SendText(ctx, me, ana, "within 24 hours")
	require.NoError(t, err)

	clock.Advance(2 * time.Hour)
	_, err = c.Messaging.SendText(ctx, me, ana, "too late")
	require.Error(t, err)
	assert.ErrorIs(t, err, instagram.ErrOutsideMessagingWindow)
	assert.NotErrorIs(t, err, instagram.ErrRecipientUnavailable)
	assert.NotErrorIs(t, err, instagram.ErrPermission)
	var apiErr *instagram.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 10, apiErr.Code)
	assert.Equal(t, 2534022, apiErr.Subcode)
	assert.Contains(t, apiErr.Message, "outside of allowed window")
	err = c.Messaging.SendAction(ctx, me, ana, instagram.SenderActionTypingOn)
	assert.ErrorIs(t, err, instagram.ErrOutsideMessagingWindow)

	_, err = c.Messaging.Send(ctx, me, ana, message.Text("an agent here"), &instagram.SendOptions{HumanAgent: true})
	require.NoError(t, err, "HUMAN_AGENT extends the window to 7 days")
	msgs, _ := srv.Conversation(ana)
	assert.True(t, msgs[len(msgs)-1].HumanAgent)

	clock.Advance(6 * 24 * time.Hour)
	_, err = c.Messaging.Send(ctx, me, ana, message.Text("a week later"), &instagram.SendOptions{HumanAgent: true})
	assert.ErrorIs(t, err, instagram.ErrOutsideMessagingWindow)

	srv.SimulateIncomingMessage(ana, "still there?")
	_, err = c.Messaging.SendText(ctx, me, ana, "yes!")
	require.NoError(t, err, "a new message opens the window again")

	srv.SetRecipientUnavailable(ana, true)
	_, err = c.Messaging.SendText(ctx, me, ana, "are you there?")
	require.Error(t, err)
	assert.ErrorIs(t, err, instagram.ErrRecipientUnavailable)
	assert.NotErrorIs(t, err, instagram.ErrOutsideMessagingWindow)
	assert.False(t, instagram.IsRetryable(err))
	srv.SetRecipientUnavailable(ana, false)
	_, err = c.Messaging.SendText(ctx, me, ana, "welcome back")
	require.NoError(t, err)
}

func TestPrivateRepliesOnFakeServer(t *testing.T) {
	clock := newSettableClock()
	srv, _ := fakeServer(t, instagramtest.WithClock(clock.Now))
	// The server runs on a fake clock, the client's pacing on the real
	// one: pacing private replies (one every 5 s) would only slow the test.
	c, err := srv.Client(instagram.WithLimits(instagram.Limits{Messaging: instagram.MessagingLimits{
		PrivateReplies: instagram.MessagingLimit{Calls: -1}}}))
	require.NoError(t, err)
	ctx := context.Background()
	m := commentableMedia(t, srv)
	cid := srv.SimulateComment(m.ID, "ben.eats", "How much is it?")
	ben := srv.ContactID("ben.eats")

	res, err := c.Messaging.PrivateReply(ctx, srv.UserID, cid, message.Text("It's 24 EUR, sent you the link"), nil)
	require.NoError(t, err)
	assert.Equal(t, ben, res.RecipientID)
	msgs, ok := srv.Conversation(ben)
	require.True(t, ok)
	require.Len(t, msgs, 1)
	assert.Equal(t, "It's 24 EUR, sent you the link", msgs[0].Text)
	assert.Equal(t, []string{m.Permalink}, msgs[0].Shares, "a private reply links the commented post")

	_, err = c.Messaging.PrivateReply(ctx, srv.UserID, cid, message.Text("again"), nil)
	var apiErr *instagram.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 10900, apiErr.Code, "one private reply per comment")
	assert.NotErrorIs(t, err, instagram.ErrOutsideMessagingWindow)

	_, err = c.Messaging.SendText(ctx, srv.UserID, ben, "follow-up")
	assert.ErrorIs(t, err, instagram.ErrOutsideMessagingWindow, "the person has not written yet")

	old := srv.SimulateComment(m.ID, "cara.daily", "nice")
	clock.Advance(7*24*time.Hour + time.Minute)
	_, err = c.Messaging.PrivateReply(ctx, srv.UserID, old, message.Text("late"), nil)
	assert.ErrorIs(t, err, instagram.ErrOutsideMessagingWindow, "7 days after the comment")

	own, err := c.Comments.Create(ctx, m.ID, "our own comment")
	require.NoError(t, err)
	_, err = c.Messaging.PrivateReply(ctx, srv.UserID, own.ID, message.Text("to myself"), nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)
}

func TestMessengerProfileOnFakeServer(t *testing.T) {
	srv, c := fakeServer(t)
	ctx := context.Background()
	ib := []instagram.IceBreakers{
		{Locale: "default", CallToActions: []instagram.IceBreaker{{Question: "Where do you ship?", Payload: "SHIP"}, {Question: "Opening hours?", Payload: "HOURS"}}},
		{Locale: "de_DE", CallToActions: []instagram.IceBreaker{{Question: "Wohin liefert ihr?", Payload: "SHIP"}}},
	}
	menu := []instagram.PersistentMenu{{Locale: "default", CallToActions: []instagram.MenuItem{
		{Type: message.ButtonPostback, Title: "Talk to a person", Payload: "AGENT"},
		{Type: message.ButtonWebURL, Title: "Shop", URL: "https://shop.example.com"},
	}}}
	require.NoError(t, c.Messaging.SetIceBreakers(ctx, srv.UserID, ib...))
	require.NoError(t, c.Messaging.SetPersistentMenu(ctx, "me", menu...))

	p, err := c.Messaging.MessengerProfile(ctx, srv.UserID)
	require.NoError(t, err)
	assert.Equal(t, ib, p.IceBreakers)
	assert.Equal(t, menu, p.PersistentMenu)
	p, err = c.Messaging.MessengerProfile(ctx, srv.UserID, instagram.ProfileIceBreakers)
	require.NoError(t, err)
	assert.Nil(t, p.PersistentMenu)

	require.NoError(t, c.Messaging.DeleteMessengerProfile(ctx, srv.UserID, instagram.ProfileIceBreakers))
	raw := srv.MessengerProfile()
	assert.NotContains(t, raw, "ice_breakers")
	var stored []map[string]any
	require.NoError(t, json.Unmarshal(raw["persistent_menu"], &stored))
	assert.Equal(t, "default", stored[0]["locale"])
	require.NoError(t, c.Messaging.DeleteMessengerProfile(ctx, srv.UserID))
	p, err = c.Messaging.MessengerProfile(ctx, srv.UserID)
	require.NoError(t, err)
	assert.Equal(t, instagram.MessengerProfile{}, *p)
}

func TestMessagingFacebookLoginOnFakeServer(t *testing.T) {
	srv := instagramtest.NewServer()
	defer srv.Close()
	pageClient, err := instagram.NewClient(instagram.WithAccessToken(srv.PageAccessToken),
		instagram.WithPlatform(instagram.FacebookLogin), instagram.WithBaseURL(srv.URL))
	require.NoError(t, err)
	ctx := context.Background()
	ana := srv.ContactID("ana.makes")
	srv.SimulateIncomingMessage(ana, "hello from Instagram")

	res, err := pageClient.Messaging.SendText(ctx, srv.PageID, ana, "hello from the Page")
	require.NoError(t, err)
	assert.NotEmpty(t, res.MessageID)
	page, err := pageClient.Messaging.Conversations(ctx, srv.PageID, nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 1)

	userClient, err := srv.FacebookClient(instagram.WithRetryPolicy(instagram.NoRetries))
	require.NoError(t, err)
	_, err = userClient.Messaging.SendText(ctx, srv.PageID, ana, "with a user token")
	assert.ErrorIs(t, err, instagram.ErrPermission, "messaging through a Page needs the Page token")
}

func TestMessagesReachWebhookHandler(t *testing.T) {
	srv, c := fakeServer(t)
	h := webhook.NewHandler(srv.AppSecret, webhook.Options{VerifyToken: "verify-me"})
	var (
		mu             sync.Mutex
		incoming, echo []*webhook.MessageEvent
	)
	h.OnMessage(func(_ context.Context, e *webhook.MessageEvent) error {
		mu.Lock()
		defer mu.Unlock()
		incoming = append(incoming, e)
		return nil
	})
	h.OnMessageEcho(func(_ context.Context, e *webhook.MessageEvent) error {
		mu.Lock()
		defer mu.Unlock()
		echo = append(echo, e)
		return nil
	})
	cb := httptest.NewServer(h)
	defer cb.Close()
	require.NoError(t, srv.SubscribeWebhooks(cb.URL, "verify-me", "messages"))

	ana := srv.ContactID("ana.makes")
	mid := srv.SimulateMessage(ana, instagramtest.IncomingMessage{Text: "Blue", QuickReplyPayload: "BLUE"})
	photo := srv.SimulateMessage(ana, instagramtest.IncomingMessage{Attachments: []instagramtest.IncomingAttachment{{Type: "image", URL: "https://cdn.example.com/me.jpg"}}})
	res, err := c.Messaging.Send(context.Background(), srv.UserID, ana, message.Text("Great choice"), &instagram.SendOptions{ReplyTo: mid})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitWebhooks(ctx))

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, incoming, 2)
	assert.Equal(t, mid, incoming[0].Message.MID)
	assert.Equal(t, "Blue", incoming[0].Message.Text)
	require.NotNil(t, incoming[0].Message.QuickReply)
	assert.Equal(t, "BLUE", incoming[0].Message.QuickReply.Payload)
	assert.Equal(t, ana, incoming[0].SenderID)
	assert.Equal(t, srv.UserID, incoming[0].RecipientID)
	assert.Equal(t, photo, incoming[1].Message.MID)
	require.Len(t, incoming[1].Message.Attachments, 1)
	assert.Equal(t, "https://cdn.example.com/me.jpg", incoming[1].Message.Attachments[0].Payload.URL)
	require.Len(t, echo, 1)
	assert.Equal(t, res.MessageID, echo[0].Message.MID)
	assert.True(t, echo[0].Message.IsEcho)
	assert.Equal(t, mid, echo[0].Message.ReplyTo.MID)
	assert.Equal(t, ana, echo[0].RecipientID)
}

// TestMessagingBurstOnFakeServer sends bursts far above Meta's messaging
// limits at one account of the fake server, which enforces them: the
// client-side limits space the calls so that not one is refused.
func TestMessagingBurstOnFakeServer(t *testing.T) {
	// Each burst runs in a synctest bubble on the in-memory network: the
	// pacing and the fake's windows share the bubble's clock.
	var burstIn func(t *testing.T, n int, call func(c *instagram.Client, srv *instagramtest.Server, person string) error)
	burst := func(t *testing.T, n int, call func(c *instagram.Client, srv *instagramtest.Server, person string) error) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) { burstIn(t, n, call) })
	}
	burstIn = func(t *testing.T, n int, call func(c *instagram.Client, srv *instagramtest.Server, person string) error) {
		srv, c := bubbleFakeServer(t)
		person := srv.ContactID("busy.customer")
		srv.SimulateIncomingMessage(person, "hi")
		var (
			wg     sync.WaitGroup
			failed atomic.Int32
		)
		for range n {
			wg.Go(func() {
				if err := call(c, srv, person); err != nil {
					failed.Add(1)
					var rl *instagram.RateLimitError
					if errors.As(err, &rl) {
						t.Errorf("rate limited: %v", err)
					} else {
						t.Errorf("send failed: %v", err)
					}
				}
			})
		}
		wg.Wait()
		assert.Zero(t, failed.Load())
		assert.Zero(t, srv.ThrottledMessagingCalls(), "the server never refused a call")
	}
	ctx := context.Background()
	t.Run("500 texts", func(t *testing.T) {
		burst(t, 500, func(c *instagram.Client, srv *instagramtest.Server, person string) error {
			_, err := c.Messaging.SendText(ctx, srv.UserID, person, "order update")
			return err
		})
	})
	t.Run("25 videos", func(t *testing.T) {
		burst(t, 25, func(c *instagram.Client, srv *instagramtest.Server, person string) error {
			_, err := c.Messaging.Send(ctx, srv.UserID, person, message.Video(message.FromURL("https://cdn.example.com/v.mp4")), nil)
			return err
		})
	})
	t.Run("6 conversation reads", func(t *testing.T) {
		burst(t, 6, func(c *instagram.Client, srv *instagramtest.Server, person string) error {
			_, err := c.Messaging.Conversations(ctx, srv.UserID, &instagram.ConversationsOptions{UserID: person})
			return err
		})
	})
}

// TestFakeServerEnforcesMessagingLimits shows the fake's limits are real:
// with the client-side limits off, calls over them are refused with code
// 613, typed as rate limits.
func TestFakeServerEnforcesMessagingLimits(t *testing.T) {
	srv := instagramtest.NewServer(instagramtest.WithMessagingLimits(instagramtest.MessagingLimits{
		Send:           instagramtest.RateLimit{Calls: 5, Per: time.Hour},
		PrivateReplies: instagramtest.RateLimit{Calls: 1, Per: time.Hour},
	}))
	defer srv.Close()
	// The client's own pre-flight checks would hold every call back for the
	// Retry-After of the first refusal: turn them off to see each answer.
	c, err := srv.Client(instagram.WithRetryPolicy(instagram.NoRetries), instagram.WithLimits(instagram.Limits{Disabled: true}))
	require.NoError(t, err)
	ctx := context.Background()
	person := srv.ContactID("busy.customer")
	srv.SimulateIncomingMessage(person, "hi")
	for range 5 {
		_, err := c.Messaging.SendText(ctx, srv.UserID, person, "ok")
		require.NoError(t, err)
	}
	_, err = c.Messaging.SendText(ctx, srv.UserID, person, "one too many")
	var rl *instagram.RateLimitError
	require.ErrorAs(t, err, &rl)
	require.NotNil(t, rl.Err, "refused by the server")
	assert.Equal(t, 613, rl.Err.Code)
	assert.Equal(t, 2534040, rl.Err.Subcode)
	assert.Equal(t, 1, srv.ThrottledMessagingCalls())

	m := commentableMedia(t, srv)
	_, err = c.Messaging.PrivateReply(ctx, srv.UserID, srv.SimulateComment(m.ID, "a.b", "1"), message.Text("x"), nil)
	require.NoError(t, err)
	_, err = c.Messaging.PrivateReply(ctx, srv.UserID, srv.SimulateComment(m.ID, "c.d", "2"), message.Text("x"), nil)
	assert.ErrorIs(t, err, instagram.ErrRateLimited)

	// With the client-side limits matching, the client refuses first and
	// nothing more reaches the server.
	srv2 := instagramtest.NewServer(instagramtest.WithMessagingLimits(instagramtest.MessagingLimits{
		Send: instagramtest.RateLimit{Calls: 5, Per: time.Hour},
	}))
	defer srv2.Close()
	c2, err := srv2.Client(instagram.WithRetryPolicy(instagram.NoRetries), instagram.WithLimits(instagram.Limits{
		MaxWait:   -1,
		Messaging: instagram.MessagingLimits{Send: instagram.MessagingLimit{Calls: 5, Per: time.Hour}},
	}))
	require.NoError(t, err)
	person2 := srv2.ContactID("busy.customer")
	srv2.SimulateIncomingMessage(person2, "hi")
	_, err = c2.Messaging.SendText(ctx, srv2.UserID, person2, "x")
	require.NoError(t, err)
	_, err = c2.Messaging.SendText(ctx, srv2.UserID, person2, "x")
	require.ErrorAs(t, err, &rl)
	assert.Nil(t, rl.Err, "refused by the client: the next slot is 13 minutes away")
	assert.Greater(t, rl.RetryAfter, 12*time.Minute)
	assert.Zero(t, srv2.ThrottledMessagingCalls())
}
