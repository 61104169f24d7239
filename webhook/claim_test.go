package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram/webhook"
)

// keyOf is the DedupKey of the only event of a fixture.
func keyOf(t *testing.T, name string) string {
	t.Helper()
	events, err := webhook.Decode(fixture(t, "webhooks/"+name))
	require.NoError(t, err)
	require.Len(t, events, 1)
	return events[0].DedupKey()
}

// A redelivery that arrives while the first attempt is still running (and
// then fails) is not answered 200: the event is handled by the delivery
// after the failure, once, and never again.
func TestRedeliveryDuringFailingAttemptIsNotLost(t *testing.T) {
	store := &webhook.MemoryDedup{}
	h := webhook.NewHandler(whSecret, webhook.Options{Dedup: store})
	body := fixture(t, "webhooks/messages.json")

	entered := make(chan struct{})
	release := make(chan struct{})
	var calls atomic.Int64
	h.OnMessage(func(context.Context, *webhook.MessageEvent) error {
		if calls.Add(1) == 1 {
			close(entered)
			<-release
			return errors.New("database down")
		}
		return nil
	})

	first := make(chan int)
	go func() { first <- signed(h, body).Code }()
	<-entered
	// Meta redelivers while the first attempt runs.
	assert.Equal(t, http.StatusConflict, signed(h, body).Code, "an event in progress must not be acknowledged")
	close(release)
	assert.Equal(t, http.StatusInternalServerError, <-first)
	assert.EqualValues(t, 1, calls.Load())

	// The next redelivery runs the event...
	assert.Equal(t, http.StatusOK, signed(h, body).Code)
	assert.EqualValues(t, 2, calls.Load())
	// ...and once committed it is not run again.
	assert.Equal(t, http.StatusOK, signed(h, body).Code)
	assert.EqualValues(t, 2, calls.Load())
}

func TestConcurrentDeliveriesRunCallbackOnce(t *testing.T) {
	h := webhook.NewHandler(whSecret, webhook.Options{Dedup: &webhook.MemoryDedup{}})
	body := fixture(t, "webhooks/comments.json")
	var calls atomic.Int64
	h.OnComment(func(context.Context, *webhook.CommentEvent) error { calls.Add(1); return nil })

	const n = 16
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { codes[i] = signed(h, body).Code })
	}
	wg.Wait()
	assert.EqualValues(t, 1, calls.Load())
	for _, c := range codes {
		assert.Contains(t, []int{http.StatusOK, http.StatusConflict}, c)
		if c == http.StatusConflict {
			// Meta redelivers what was refused: answered 200, not run.
			assert.Equal(t, http.StatusOK, signed(h, body).Code)
		}
	}
	assert.EqualValues(t, 1, calls.Load())
}

// A claim left by a crashed replica blocks the event only for its lease.
func TestLapsedLeaseLetsRedeliveryRun(t *testing.T) {
	clk := newClock()
	store := &webhook.MemoryDedup{Now: clk.Now}
	h := webhook.NewHandler(whSecret, webhook.Options{Dedup: store, DedupLease: time.Minute})
	var calls atomic.Int64
	h.OnEvent(func(context.Context, webhook.Event) error { calls.Add(1); return nil })
	body := fixture(t, "webhooks/messages.json")

	r, err := store.Claim(context.Background(), keyOf(t, "messages.json"), "crashed-replica", 2*time.Minute)
	require.NoError(t, err)
	require.Equal(t, webhook.Claimed, r)
	assert.Equal(t, http.StatusConflict, signed(h, body).Code)
	clk.Add(2 * time.Minute)
	assert.Equal(t, http.StatusOK, signed(h, body).Code)
	assert.EqualValues(t, 1, calls.Load())
}

// stubStore fails the operations it is told to.
type stubStore struct {
	webhook.MemoryDedup
	claimErr, commitErr, releaseErr error
	commits, releases               atomic.Int64
}

func (s *stubStore) Claim(ctx context.Context, key, holder string, lease time.Duration) (webhook.ClaimResult, error) {
	if s.claimErr != nil {
		return 0, s.claimErr
	}
	return s.MemoryDedup.Claim(ctx, key, holder, lease)
}

func (s *stubStore) Commit(ctx context.Context, key, holder string, ttl time.Duration) error {
	s.commits.Add(1)
	if s.commitErr != nil {
		return s.commitErr
	}
	return s.MemoryDedup.Commit(ctx, key, holder, ttl)
}

func (s *stubStore) Release(ctx context.Context, key, holder string) error {
	s.releases.Add(1)
	if s.releaseErr != nil {
		return s.releaseErr
	}
	return s.MemoryDedup.Release(ctx, key, holder)
}

func TestDedupStoreFailures(t *testing.T) {
	body := fixture(t, "webhooks/messages.json")
	setup := func(s *stubStore, fail bool) (*webhook.Handler, *atomic.Int64, *bytes.Buffer) {
		var logs bytes.Buffer
		h := webhook.NewHandler(whSecret, webhook.Options{Dedup: s, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		var calls atomic.Int64
		h.OnMessage(func(context.Context, *webhook.MessageEvent) error {
			calls.Add(1)
			if fail {
				return errors.New("handler failed")
			}
			return nil
		})
		return h, &calls, &logs
	}

	t.Run("claim fails: 503, nothing runs", func(t *testing.T) {
		s := &stubStore{claimErr: errors.New("redis unreachable")}
		h, calls, logs := setup(s, false)
		assert.Equal(t, http.StatusServiceUnavailable, signed(h, body).Code)
		assert.Zero(t, calls.Load())
		assert.Zero(t, s.commits.Load())
		assert.Contains(t, logs.String(), "redis unreachable")
		assert.Contains(t, logs.String(), "level=ERROR")
	})
	t.Run("commit fails: 200, logged", func(t *testing.T) {
		s := &stubStore{commitErr: errors.New("redis timeout")}
		h, calls, logs := setup(s, false)
		assert.Equal(t, http.StatusOK, signed(h, body).Code)
		assert.EqualValues(t, 1, calls.Load())
		assert.Contains(t, logs.String(), "redis timeout")
	})
	t.Run("release fails: 500, logged, lease keeps others off", func(t *testing.T) {
		s := &stubStore{releaseErr: errors.New("redis gone")}
		h, calls, logs := setup(s, true)
		assert.Equal(t, http.StatusInternalServerError, signed(h, body).Code)
		assert.EqualValues(t, 1, s.releases.Load())
		assert.Contains(t, logs.String(), "redis gone")
		assert.Equal(t, http.StatusConflict, signed(h, body).Code)
		assert.EqualValues(t, 1, calls.Load())
	})
	t.Run("callback fails: released, 500", func(t *testing.T) {
		s := &stubStore{}
		h, calls, _ := setup(s, true)
		assert.Equal(t, http.StatusInternalServerError, signed(h, body).Code)
		assert.EqualValues(t, 1, s.releases.Load())
		assert.Zero(t, s.commits.Load())
		assert.Equal(t, http.StatusInternalServerError, signed(h, body).Code, "released: the redelivery runs again")
		assert.EqualValues(t, 2, calls.Load())
	})
}

// failingReader fails the test when the handler reads the body.
type failingReader struct{ t *testing.T }

func (r failingReader) Read([]byte) (int, error) {
	r.t.Error("the body of an unsigned delivery was read")
	return 0, errors.New("must not be read")
}

func TestUnsignedDeliveryRefusedBeforeReadingBody(t *testing.T) {
	var n atomic.Int64
	for _, opts := range []webhook.Options{{}, {ParseOptions: webhook.ParseOptions{SignatureOptions: webhook.SignatureOptions{AllowSHA1: true}}}} {
		h := counting(&n, opts)
		r := httptest.NewRequest(http.MethodPost, "/webhook", failingReader{t})
		r.ContentLength = -1
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		assert.Equal(t, http.StatusUnauthorized, w.Code)

		// Only the sha1 header, sha1 not allowed: also unsigned.
		r = httptest.NewRequest(http.MethodPost, "/webhook", failingReader{t})
		r.Header.Set(webhook.SignatureHeader, "")
		w = httptest.NewRecorder()
		h.ServeHTTP(w, r)
		assert.Equal(t, http.StatusUnauthorized, w.Code)

		_, err := webhook.Parse(httptest.NewRequest(http.MethodPost, "/", failingReader{t}), whSecret, opts.ParseOptions)
		assert.ErrorIs(t, err, webhook.ErrSignatureMissing)
	}
	h := counting(&n, webhook.Options{})
	r := httptest.NewRequest(http.MethodPost, "/webhook", failingReader{t})
	r.Header.Set(webhook.LegacySignatureHeader, "sha1=00")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusUnauthorized, w.Code)
	assert.Zero(t, n.Load())
}

func TestMaxEventAge(t *testing.T) {
	// messages.json: message timestamp 2025-05-01T12:01:40.12Z; the
	// comment fixture only has an entry time, 2025-05-01T12:00:00Z.
	msgTime := time.UnixMilli(1746100900120)
	clk := &fakeClock{t: msgTime.Add(30 * time.Minute)}
	var n atomic.Int64
	h := counting(&n, webhook.Options{ParseOptions: webhook.ParseOptions{MaxEventAge: time.Hour, Now: clk.Now}})
	msg := fixture(t, "webhooks/messages.json")
	comment := fixture(t, "webhooks/comments.json")

	assert.Equal(t, http.StatusOK, signed(h, msg).Code)
	clk.Add(31 * time.Minute)
	assert.Equal(t, http.StatusBadRequest, signed(h, msg).Code, "a replay older than the maximum age")
	assert.EqualValues(t, 1, n.Load())

	clk.t = time.Unix(1746100800, 0).Add(59 * time.Minute)
	assert.Equal(t, http.StatusOK, signed(h, comment).Code)
	clk.Add(2 * time.Minute)
	assert.Equal(t, http.StatusBadRequest, signed(h, comment).Code, "entry time is used without a messaging timestamp")
	assert.EqualValues(t, 2, n.Load())

	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(comment))
	r.Header.Set(webhook.SignatureHeader, webhook.Sign(comment, whSecret))
	_, err := webhook.Parse(r, whSecret, webhook.ParseOptions{MaxEventAge: time.Hour, Now: clk.Now})
	assert.ErrorIs(t, err, webhook.ErrTooOld)
	assert.Equal(t, http.StatusBadRequest, webhook.Status(err))

	// Off by default: a years-old delivery is accepted.
	assert.Equal(t, http.StatusOK, signed(counting(&n, webhook.Options{}), comment).Code)
}

func TestAbortHandlerPanicIsPassedOn(t *testing.T) {
	for _, store := range []webhook.DedupStore{nil, &webhook.MemoryDedup{}} {
		h := webhook.NewHandler(whSecret, webhook.Options{Dedup: store})
		abort := true
		var calls int
		h.OnMessage(func(context.Context, *webhook.MessageEvent) error {
			calls++
			if abort {
				panic(http.ErrAbortHandler)
			}
			return nil
		})
		body := fixture(t, "webhooks/messages.json")
		assert.PanicsWithValue(t, http.ErrAbortHandler, func() { signed(h, body) })
		// The claim was released: the redelivery runs the event.
		abort = false
		assert.Equal(t, http.StatusOK, signed(h, body).Code)
		assert.Equal(t, 2, calls)
	}
}
