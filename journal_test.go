package instagram_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

var errDied = errors.New("worker died")

// dyingJournal kills its worker at one step: after the record of state
// at is stored (or, for PublishDone, before it is: the worker died with
// the answer of media_publish in hand). A dead worker's later calls,
// Release included, do nothing, as after a crash.
type dyingJournal struct {
	*instagram.MemoryPublishJournal
	at     instagram.PublishState
	cancel context.CancelFunc

	mu   sync.Mutex
	dead map[string]bool
}

func (d *dyingJournal) Put(ctx context.Context, holder string, rec instagram.PublishRecord, lease time.Duration) error {
	d.mu.Lock()
	dead := d.dead[holder]
	d.mu.Unlock()
	if dead {
		return errDied
	}
	if rec.State == d.at {
		d.mu.Lock()
		d.dead[holder] = true
		d.mu.Unlock()
		if rec.State != instagram.PublishDone {
			if err := d.MemoryPublishJournal.Put(ctx, holder, rec, lease); err != nil {
				return err
			}
		}
		d.cancel()
		return errDied
	}
	return d.MemoryPublishJournal.Put(ctx, holder, rec, lease)
}

func (d *dyingJournal) Release(ctx context.Context, key, holder string) error {
	d.mu.Lock()
	dead := d.dead[holder]
	d.mu.Unlock()
	if dead {
		return nil
	}
	return d.MemoryPublishJournal.Release(ctx, key, holder)
}

type journalClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *journalClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *journalClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func postsWithCaption(srv *instagramtest.Server, caption string) []instagramtest.Media {
	var out []instagramtest.Media
	for _, m := range srv.Media() {
		if m.Caption == caption {
			out = append(out, m)
		}
	}
	return out
}

// A worker that dies at any step of a journaled publish is finished by
// ResumePublishes on another client, and the post appears exactly once.
func TestResumePublishesAfterDeathAtEachStep(t *testing.T) {
	for _, at := range []instagram.PublishState{
		instagram.PublishCreating,   // before the container request
		instagram.PublishCreated,    // container made, not published
		instagram.PublishPublishing, // about to send media_publish
		instagram.PublishDone,       // media_publish answered, not recorded
	} {
		t.Run(string(at), func(t *testing.T) {
			srv := instagramtest.NewServer(instagramtest.WithMediaCount(3))
			t.Cleanup(srv.Close)
			clk := &journalClock{t: time.Now()}
			mem := instagram.NewMemoryPublishJournal()
			mem.Now = clk.Now
			ctx, cancel := context.WithCancel(context.Background())
			j := &dyingJournal{MemoryPublishJournal: mem, at: at, cancel: cancel, dead: map[string]bool{}}
			wait := instagram.WaitOptions{Interval: time.Millisecond, MaxInterval: 2 * time.Millisecond, MaxWait: 10 * time.Second}
			worker, err := srv.Client()
			require.NoError(t, err)
			const caption = "journaled post"
			_, err = worker.Media.PublishImage(ctx, srv.UserID, "https://example.com/a.jpg",
				&instagram.PublishOptions{Caption: caption, Wait: wait, Journal: j, Key: "post-1"})
			require.Error(t, err, "the worker died")

			// While the dead worker's lease is live nobody takes over.
			other, err := srv.Client()
			require.NoError(t, err)
			recs, err := other.Media.ResumePublishes(context.Background(), mem, &instagram.ResumeOptions{Wait: wait})
			require.NoError(t, err)
			assert.Empty(t, recs)

			clk.Advance(instagram.DefaultPublishLease + time.Second)
			recs, err = other.Media.ResumePublishes(context.Background(), mem, &instagram.ResumeOptions{Wait: wait})
			require.NoError(t, err)
			require.Len(t, recs, 1)
			assert.Equal(t, instagram.PublishDone, recs[0].State)

			posts := postsWithCaption(srv, caption)
			require.Len(t, posts, 1, "the post appears exactly once")
			assert.Equal(t, posts[0].ID, recs[0].MediaID)
			assert.Equal(t, 1, srv.RequestCount("POST", "/*/media_publish"), "media_publish sent once")
			if at != instagram.PublishCreating {
				assert.Equal(t, 1, srv.RequestCount("POST", "/*/media"), "the container is reused")
			}

			// The same key again returns the same post without posting.
			m, err := other.Media.PublishImage(context.Background(), srv.UserID, "https://example.com/a.jpg",
				&instagram.PublishOptions{Caption: caption, Wait: wait, Journal: mem, Key: "post-1"})
			require.NoError(t, err)
			assert.Equal(t, posts[0].ID, m.ID)
			assert.Len(t, postsWithCaption(srv, caption), 1)
		})
	}
}

func TestMemoryPublishJournalLeases(t *testing.T) {
	ctx := context.Background()
	clk := &journalClock{t: time.Now()}
	j := instagram.NewMemoryPublishJournal()
	j.Now = clk.Now
	rec, ok, err := j.Claim(ctx, "k", "a", time.Minute)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Nil(t, rec)
	require.NoError(t, j.Put(ctx, "a", instagram.PublishRecord{Key: "k", State: instagram.PublishCreated, ContainerID: "c1"}, time.Minute))

	_, ok, err = j.Claim(ctx, "k", "b", time.Minute)
	require.NoError(t, err)
	assert.False(t, ok, "a's lease is live")
	assert.ErrorIs(t, j.Put(ctx, "b", instagram.PublishRecord{Key: "k"}, time.Minute), instagram.ErrLeaseLost)
	pend, err := j.Pending(ctx, 10)
	require.NoError(t, err)
	assert.Empty(t, pend)

	clk.Advance(2 * time.Minute)
	pend, err = j.Pending(ctx, 10)
	require.NoError(t, err)
	require.Len(t, pend, 1)
	rec, ok, err = j.Claim(ctx, "k", "b", time.Minute)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "c1", rec.ContainerID)
	assert.ErrorIs(t, j.Put(ctx, "a", instagram.PublishRecord{Key: "k"}, time.Minute), instagram.ErrLeaseLost, "a lost it")

	require.NoError(t, j.Put(ctx, "b", instagram.PublishRecord{Key: "k", State: instagram.PublishDone, MediaID: "m"}, time.Minute))
	require.NoError(t, j.Release(ctx, "k", "b"))
	pend, err = j.Pending(ctx, 10)
	require.NoError(t, err)
	assert.Empty(t, pend, "done records are not pending")
}
