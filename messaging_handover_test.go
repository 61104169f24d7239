package instagram_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
	"github.com/igsdk/instagram/webhook"
)

// clockedFake is a fake on a settable clock with a person who wrote to
// the account, and a Page-token client.
type clockedFake struct {
	srv  *instagramtest.Server
	page *instagram.Client
	ana  string
	mu   sync.Mutex
	now  time.Time
}

func (f *clockedFake) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *clockedFake) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func newClockedFake(t *testing.T) *clockedFake {
	t.Helper()
	f := &clockedFake{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	f.srv = instagramtest.NewServer(instagramtest.WithClock(f.clock))
	t.Cleanup(f.srv.Close)
	var err error
	f.page, err = f.srv.FacebookClient(instagram.WithAccessToken(f.srv.PageAccessToken))
	require.NoError(t, err)
	f.ana = f.srv.ContactID("ana.makes")
	f.srv.SimulateIncomingMessage(f.ana, "Hi, can a person help me?")
	return f
}

func graphError(t *testing.T, err error) *instagram.Error {
	t.Helper()
	var apiErr *instagram.Error
	require.ErrorAs(t, err, &apiErr)
	return apiErr
}

func TestThreadControlRefusedOnInstagramLogin(t *testing.T) {
	srv, c := fakeServer(t)
	ctx := context.Background()
	ana := srv.ContactID("ana.makes")
	calls := map[string]func() error{
		"pass": func() error {
			return c.Messaging.PassThreadControl(ctx, srv.PageID, ana, instagram.InstagramInboxAppID, "")
		},
		"take":    func() error { return c.Messaging.TakeThreadControl(ctx, srv.PageID, ana, "") },
		"request": func() error { return c.Messaging.RequestThreadControl(ctx, srv.PageID, ana, "") },
		"release": func() error { return c.Messaging.ReleaseThreadControl(ctx, srv.PageID, ana, "") },
		"extend":  func() error { return c.Messaging.ExtendThreadControl(ctx, srv.PageID, ana, time.Hour) },
		"owner":   func() error { _, err := c.Messaging.ThreadOwner(ctx, srv.PageID, ana); return err },
	}
	for name, call := range calls {
		err := call()
		require.ErrorIs(t, err, instagram.ErrValidation, name)
		assert.Contains(t, err.Error(), "Facebook Login", name)
	}
	assert.Empty(t, srv.Requests(), "nothing was sent")
}

func TestThreadControlDefaultBehavior(t *testing.T) {
	f := newClockedFake(t)
	ctx := context.Background()
	srv, page := f.srv, f.page

	owner, err := page.Messaging.ThreadOwner(ctx, srv.PageID, f.ana)
	require.NoError(t, err)
	assert.True(t, owner.Idle())

	// Without Conversation Routing, take is refused and request works: an
	// idle thread passes to the caller at once.
	apiErr := graphError(t, page.Messaging.TakeThreadControl(ctx, srv.PageID, f.ana, ""))
	assert.Equal(t, 100, apiErr.Code)
	assert.Contains(t, apiErr.Message, "conversation routing")
	require.NoError(t, page.Messaging.RequestThreadControl(ctx, srv.PageID, f.ana, "bot flow"))
	owner, err = page.Messaging.ThreadOwner(ctx, srv.PageID, f.ana)
	require.NoError(t, err)
	assert.Equal(t, srv.AppID, owner.AppID)
	assert.Equal(t, f.clock().Add(24*time.Hour), owner.Expiration)
	graphError(t, page.Messaging.RequestThreadControl(ctx, srv.PageID, f.ana, ""))

	// The owner extends, then passes to the Instagram inbox; the thread is
	// then someone else's: its expiration shows, not its app.
	require.NoError(t, page.Messaging.ExtendThreadControl(ctx, srv.PageID, f.ana, 72*time.Hour))
	owner, err = page.Messaging.ThreadOwner(ctx, srv.PageID, f.ana)
	require.NoError(t, err)
	assert.Equal(t, f.clock().Add(72*time.Hour), owner.Expiration)
	require.NoError(t, page.Messaging.PassThreadControl(ctx, srv.PageID, f.ana, instagram.InstagramInboxAppID, "needs a person"))
	app, _ := srv.ThreadControl(f.ana)
	assert.Equal(t, instagram.InstagramInboxAppID, app)
	owner, err = page.Messaging.ThreadOwner(ctx, srv.PageID, f.ana)
	require.NoError(t, err)
	assert.Empty(t, owner.AppID)
	assert.False(t, owner.Expiration.IsZero())
	for name, err := range map[string]error{
		"pass":    page.Messaging.PassThreadControl(ctx, srv.PageID, f.ana, srv.AppID, ""),
		"release": page.Messaging.ReleaseThreadControl(ctx, srv.PageID, f.ana, ""),
		"extend":  page.Messaging.ExtendThreadControl(ctx, srv.PageID, f.ana, time.Hour),
	} {
		assert.Contains(t, graphError(t, err).Message, "thread owner", name)
	}

	// Control lapses after 24 hours: the thread is idle again and the app
	// may pass it to itself, then release it.
	f.advance(25 * time.Hour)
	owner, err = page.Messaging.ThreadOwner(ctx, srv.PageID, f.ana)
	require.NoError(t, err)
	assert.True(t, owner.Idle())
	require.NoError(t, page.Messaging.PassThreadControl(ctx, srv.PageID, f.ana, srv.AppID, ""))
	require.NoError(t, page.Messaging.ReleaseThreadControl(ctx, srv.PageID, f.ana, ""))
	app, _ = srv.ThreadControl(f.ana)
	assert.Empty(t, app)
	// Without routing, pass needs a target.
	assert.Contains(t, graphError(t, page.Messaging.PassThreadControl(ctx, srv.PageID, f.ana, "", "")).Message, "target_app_id")
}

func TestThreadControlWithConversationRouting(t *testing.T) {
	f := newClockedFake(t)
	ctx := context.Background()
	srv, page := f.srv, f.page
	const other = "555000111222333"
	srv.SetConversationRouting(srv.AppID)

	apiErr := graphError(t, page.Messaging.RequestThreadControl(ctx, srv.PageID, f.ana, ""))
	assert.Contains(t, apiErr.Message, "not available when conversation routing")
	require.NoError(t, page.Messaging.TakeThreadControl(ctx, srv.PageID, f.ana, ""))
	graphError(t, page.Messaging.TakeThreadControl(ctx, srv.PageID, f.ana, ""))
	graphError(t, page.Messaging.PassThreadControl(ctx, srv.PageID, f.ana, srv.AppID, ""))

	// Another app takes the thread; the default app still sees who owns it.
	require.NoError(t, srv.SimulateThreadControl("take_thread_control", f.ana, other, ""))
	owner, err := page.Messaging.ThreadOwner(ctx, srv.PageID, f.ana)
	require.NoError(t, err)
	assert.Equal(t, other, owner.AppID)
	require.NoError(t, page.Messaging.TakeThreadControl(ctx, srv.PageID, f.ana, "back to the bot"))
	// An empty target passes to the default app.
	require.NoError(t, srv.SimulateThreadControl("take_thread_control", f.ana, other, ""))
	f.advance(25 * time.Hour)
	require.NoError(t, page.Messaging.PassThreadControl(ctx, srv.PageID, f.ana, "", ""))
	app, _ := srv.ThreadControl(f.ana)
	assert.Equal(t, srv.AppID, app)
}

func TestThreadControlValidation(t *testing.T) {
	f := newClockedFake(t)
	ctx := context.Background()
	srv, page := f.srv, f.page
	srv.ResetRequests()
	for name, d := range map[string]time.Duration{"zero": 0, "too long": 8 * 24 * time.Hour, "fraction": 1500 * time.Millisecond} {
		require.ErrorIs(t, page.Messaging.ExtendThreadControl(ctx, srv.PageID, f.ana, d), instagram.ErrValidation, name)
	}
	require.ErrorIs(t, page.Messaging.PassThreadControl(ctx, "", f.ana, "1", ""), instagram.ErrValidation)
	require.ErrorIs(t, page.Messaging.TakeThreadControl(ctx, srv.PageID, " ", ""), instagram.ErrValidation)
	_, err := page.Messaging.ThreadOwner(ctx, srv.PageID, "")
	require.ErrorIs(t, err, instagram.ErrValidation)
	assert.Empty(t, srv.Requests(), "nothing was sent")

	// The fake refuses what Meta refuses: a user token, the account node,
	// a person who never wrote.
	user, err := srv.FacebookClient()
	require.NoError(t, err)
	assert.Equal(t, 210, graphError(t, user.Messaging.TakeThreadControl(ctx, srv.PageID, f.ana, "")).Code)
	assert.Equal(t, 2500, graphError(t, page.Messaging.RequestThreadControl(ctx, srv.UserID, f.ana, "")).Code)
	assert.Contains(t, graphError(t, page.Messaging.RequestThreadControl(ctx, srv.PageID, "999000111", "")).Message, "No matching user")
}

func TestHandoverWebhooks(t *testing.T) {
	f := newClockedFake(t)
	ctx := context.Background()
	srv, page := f.srv, f.page
	const other = "555000111222333"
	cb := newCallback(t, srv.AppSecret, webhook.Options{Dedup: &webhook.MemoryDedup{}})
	var typed []*webhook.HandoverEvent
	var mu sync.Mutex
	cb.h.OnHandover(func(_ context.Context, e *webhook.HandoverEvent) error {
		mu.Lock()
		defer mu.Unlock()
		typed = append(typed, e)
		return nil
	})
	require.NoError(t, srv.SubscribeWebhooks(cb.URL+"/webhook", whVerify, "messaging_handover"))

	// Another app passes the thread to ours, then asks for it back; our
	// own request of an idle thread is answered with a pass.
	require.NoError(t, srv.SimulateThreadControl("pass_thread_control", f.ana, other, "over to you"))
	require.NoError(t, srv.SimulateThreadControl("request_thread_control", f.ana, other, "give it back"))
	require.NoError(t, page.Messaging.PassThreadControl(ctx, srv.PageID, f.ana, other, ""))
	f.advance(25 * time.Hour)
	require.NoError(t, page.Messaging.RequestThreadControl(ctx, srv.PageID, f.ana, "mine"))
	// With routing, another app takes it from ours.
	srv.SetConversationRouting(srv.AppID)
	require.NoError(t, srv.SimulateThreadControl("take_thread_control", f.ana, other, "agent"))
	waitWebhooks(t, srv)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, typed, 4, "the pass to the other app reaches that app, not ours")
	for _, e := range typed {
		assert.Equal(t, webhook.EventHandover, e.Kind())
		assert.Equal(t, "messaging_handover", e.Field)
		assert.Equal(t, f.ana, e.SenderID)
		assert.Equal(t, srv.UserID, e.RecipientID)
		assert.Equal(t, srv.UserID, e.AccountID)
	}
	assert.Equal(t, webhook.HandoverPass, typed[0].Action)
	assert.Empty(t, typed[0].PreviousOwnerAppID, "passed from idle (Meta sends null)")
	assert.Equal(t, srv.AppID, typed[0].NewOwnerAppID)
	assert.Equal(t, "over to you", typed[0].Metadata)
	assert.Equal(t, webhook.HandoverRequest, typed[1].Action)
	assert.Equal(t, other, typed[1].RequestedOwnerAppID)
	assert.Equal(t, webhook.HandoverPass, typed[2].Action)
	assert.Empty(t, typed[2].PreviousOwnerAppID, "the thread was idle")
	assert.Equal(t, "mine", typed[2].Metadata)
	assert.Equal(t, webhook.HandoverTake, typed[3].Action)
	assert.Equal(t, srv.AppID, typed[3].PreviousOwnerAppID)
	assert.Equal(t, other, typed[3].NewOwnerAppID)
	keys := map[string]bool{}
	for _, e := range typed {
		keys[e.DedupKey()] = true
	}
	assert.Len(t, keys, 4, "each event has its own key")
}
