package instagram_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
	"github.com/igsdk/instagram/message"
	"github.com/igsdk/instagram/webhook"
)

// fakeServer starts the fake API and a client for it.
func fakeServer(t *testing.T, opts ...instagramtest.Option) (*instagramtest.Server, *instagram.Client) {
	t.Helper()
	srv := instagramtest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := srv.Client(instagram.WithRetryPolicy(instagram.NoRetries))
	require.NoError(t, err)
	return srv, c
}

// commentableMedia returns a feed media of the account that takes
// comments.
func commentableMedia(t *testing.T, srv *instagramtest.Server) instagramtest.Media {
	t.Helper()
	for _, m := range srv.Media() {
		if m.IsCommentEnabled {
			return m
		}
	}
	t.Fatal("no media takes comments")
	return instagramtest.Media{}
}

func commentsCount(t *testing.T, c *instagram.Client, mediaID string) int {
	t.Helper()
	m, err := c.Media.Get(context.Background(), mediaID, &instagram.GetOptions{Fields: []string{"comments_count"}})
	require.NoError(t, err)
	return m.CommentsCount
}

func TestCommentsOnFakeServer(t *testing.T) {
	srv, c := fakeServer(t)
	ctx := context.Background()
	m := commentableMedia(t, srv)
	before := commentsCount(t, c, m.ID)

	cm, err := c.Comments.Create(ctx, m.ID, "Thanks for all the love ✨")
	require.NoError(t, err)
	assert.Equal(t, before+1, commentsCount(t, c, m.ID))

	page, err := c.Comments.List(ctx, m.ID, &instagram.ListOptions{Limit: 1})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, cm.ID, page.Data[0].ID, "newest first")
	assert.Equal(t, "Thanks for all the love ✨", page.Data[0].Text)
	assert.Equal(t, srv.Account().Username, page.Data[0].Username)
	assert.Equal(t, srv.UserID, page.Data[0].From.ID)

	rep, err := c.Comments.Reply(ctx, cm.ID, "And one more thing")
	require.NoError(t, err)
	assert.Equal(t, before+2, commentsCount(t, c, m.ID))
	got, err := c.Comments.Get(ctx, rep.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, cm.ID, got.ParentID)
	assert.Equal(t, m.ID, got.Media.ID)
	var replies []string
	for r, err := range c.Comments.AllReplies(ctx, cm.ID, nil) {
		require.NoError(t, err)
		replies = append(replies, r.ID)
	}
	assert.Equal(t, []string{rep.ID}, replies)

	require.NoError(t, c.Comments.Hide(ctx, cm.ID))
	got, err = c.Comments.Get(ctx, cm.ID, nil)
	require.NoError(t, err)
	assert.True(t, got.Hidden)
	require.NoError(t, c.Comments.Unhide(ctx, cm.ID))
	snap, ok := srv.Comment(cm.ID)
	require.True(t, ok)
	assert.False(t, snap.Hidden)

	require.NoError(t, c.Comments.Delete(ctx, cm.ID))
	assert.Equal(t, before, commentsCount(t, c, m.ID), "the reply goes with its comment")
	_, err = c.Comments.Get(ctx, cm.ID, nil)
	assert.ErrorIs(t, err, instagram.ErrNotFound)
	_, err = c.Comments.Get(ctx, rep.ID, nil)
	assert.ErrorIs(t, err, instagram.ErrNotFound)

	var closed string
	for _, md := range srv.Media() {
		if !md.IsCommentEnabled {
			closed = md.ID
		}
	}
	require.NotEmpty(t, closed, "the default seed has media with comments turned off")
	_, err = c.Comments.Create(ctx, closed, "closed")
	assert.ErrorIs(t, err, instagram.ErrValidation)
	_, err = c.Comments.Create(ctx, srv.Stories()[0].ID, "on a story")
	assert.ErrorIs(t, err, instagram.ErrValidation)
}

func TestCommentsAllAcrossPagesOnFakeServer(t *testing.T) {
	srv, c := fakeServer(t)
	m := commentableMedia(t, srv)
	var want []string
	for i := range 27 {
		want = append(want, srv.SimulateComment(m.ID, "fan.number"+string(rune('a'+i%26)), "comment"))
	}
	n := 0
	seen := map[string]bool{}
	for cm, err := range c.Comments.All(context.Background(), m.ID, &instagram.ListOptions{Limit: 10}) {
		require.NoError(t, err)
		seen[cm.ID] = true
		n++
	}
	for _, id := range want {
		assert.True(t, seen[id], id)
	}
	snap, _ := srv.MediaByID(m.ID)
	assert.Equal(t, len(snap.Comments), n, "every top-level comment once")
}

func TestCommentsFacebookLoginOnFakeServer(t *testing.T) {
	srv := instagramtest.NewServer()
	defer srv.Close()
	c, err := srv.FacebookClient()
	require.NoError(t, err)
	m := commentableMedia(t, srv)
	id := srv.SimulateComment(m.ID, "troll.account", "spam spam")
	require.NoError(t, c.Comments.Hide(context.Background(), id))
	got, err := c.Comments.Get(context.Background(), id, &instagram.GetOptions{Fields: []string{"hidden", "from", "text"}})
	require.NoError(t, err)
	assert.True(t, got.Hidden)
	assert.Equal(t, "troll.account", got.From.Username)
	assert.Equal(t, srv.ContactID("troll.account"), got.From.ID)
}

func TestSimulatedCommentsReachWebhookHandler(t *testing.T) {
	srv, c := fakeServer(t)
	h := webhook.NewHandler(srv.AppSecret, webhook.Options{VerifyToken: "verify-me"})
	var (
		mu     sync.Mutex
		events []*webhook.CommentEvent
	)
	h.OnComment(func(_ context.Context, e *webhook.CommentEvent) error {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
		return nil
	})
	cb := httptest.NewServer(h)
	defer cb.Close()
	require.NoError(t, srv.SubscribeWebhooks(cb.URL, "verify-me", "comments"))

	m := commentableMedia(t, srv)
	id := srv.SimulateComment(m.ID, "ana.makes7", "Where can I buy this?")
	rid := srv.SimulateReply(id, "ben.eats3", "@ana.makes7 link in bio")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitWebhooks(ctx))

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, events, 2)
	e := events[0]
	assert.Equal(t, srv.UserID, e.AccountID)
	assert.Equal(t, id, e.ID)
	assert.Equal(t, "Where can I buy this?", e.Text)
	assert.Equal(t, "ana.makes7", e.From.Username)
	assert.Equal(t, srv.ContactID("ana.makes7"), e.From.ID)
	assert.Equal(t, m.ID, e.Media.ID)
	assert.Equal(t, m.MediaProductType, e.Media.MediaProductType)
	assert.Equal(t, rid, events[1].ID)
	assert.Equal(t, id, events[1].ParentID)

	// The event carries what moderation needs: hide it through the API.
	require.NoError(t, c.Comments.Hide(context.Background(), e.ID))
	snap, _ := srv.Comment(e.ID)
	assert.True(t, snap.Hidden)
}

func TestLiveCommentsOnFakeServer(t *testing.T) {
	srv, c := fakeServer(t)
	h := webhook.NewHandler(srv.AppSecret, webhook.Options{VerifyToken: "verify-me"})
	got := make(chan *webhook.CommentEvent, 1)
	h.OnLiveComment(func(_ context.Context, e *webhook.CommentEvent) error {
		got <- e
		return nil
	})
	cb := httptest.NewServer(h)
	defer cb.Close()
	require.NoError(t, srv.SubscribeWebhooks(cb.URL, "verify-me", "live_comments"))

	live := srv.StartLive(120)
	id := srv.SimulateComment(live, "night.owl", "hello from the stream")
	e := <-got
	assert.Equal(t, webhook.EventLiveComment, e.Kind())
	assert.Equal(t, id, e.ID)
	assert.Equal(t, live, e.Media.ID)

	res, err := c.Messaging.PrivateReply(context.Background(), srv.UserID, id,
		message.Text("Thanks for watching!"), &instagram.PrivateReplyOptions{Live: true})
	require.NoError(t, err)
	assert.Equal(t, srv.ContactID("night.owl"), res.RecipientID)
}
