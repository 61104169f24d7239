package redisstore_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/redisstore"
)

func TestJournalLifecycle(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	p := prefix(t)
	a := redisstore.NewPublishJournal(srv.client(t), p, time.Hour)
	b := redisstore.NewPublishJournal(srv.client(t), p, time.Hour)
	rec, ok, err := a.Claim(ctx, "post-1", "A", time.Hour)
	if err != nil || !ok || rec != nil {
		t.Fatalf("new key Claim = %v %v %v", rec, ok, err)
	}
	if _, ok, _ := b.Claim(ctx, "post-1", "B", time.Hour); ok {
		t.Fatal("B took a live lease")
	}
	r := instagram.PublishRecord{Key: "post-1", Account: "178", Spec: []byte(`{"image_url":"x"}`), State: instagram.PublishCreated, ContainerID: "C1"}
	if err := a.Put(ctx, "A", r, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := b.Put(ctx, "B", r, time.Hour); !errors.Is(err, instagram.ErrLeaseLost) {
		t.Fatalf("Put by non-holder = %v, want ErrLeaseLost", err)
	}
	if got, _ := b.Pending(ctx, 10); len(got) != 0 {
		t.Fatalf("Pending lists a live lease: %+v", got)
	}
	if err := a.Release(ctx, "post-1", "A"); err != nil {
		t.Fatal(err)
	}
	got, err := b.Pending(ctx, 10)
	if err != nil || len(got) != 1 || got[0].ContainerID != "C1" || got[0].State != instagram.PublishCreated || string(got[0].Spec) != `{"image_url":"x"}` {
		t.Fatalf("Pending after release = %+v %v", got, err)
	}
	rec, ok, err = b.Claim(ctx, "post-1", "B", time.Hour)
	if err != nil || !ok || rec == nil || rec.ContainerID != "C1" {
		t.Fatalf("B resumes = %+v %v %v", rec, ok, err)
	}
	r.State, r.MediaID = instagram.PublishDone, "M1"
	if err := b.Put(ctx, "B", r, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := b.Release(ctx, "post-1", "B"); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Pending(ctx, 10); len(got) != 0 {
		t.Fatalf("done record pending: %+v", got)
	}
	// A repeated publish key finds the post: the caller does not post again.
	rec, ok, _ = a.Claim(ctx, "post-1", "A2", time.Hour)
	if !ok || rec == nil || rec.State != instagram.PublishDone || rec.MediaID != "M1" {
		t.Fatalf("repeat Claim = %+v %v", rec, ok)
	}
}

// A worker dies holding a lease: once the lease lapses (Redis's clock),
// its record is pending and another worker takes over; the dead worker's
// late Put is refused.
func TestJournalDeadWorkerResumed(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	p := prefix(t)
	dead := redisstore.NewPublishJournal(srv.client(t), p, 0)
	live := redisstore.NewPublishJournal(srv.client(t), p, 0)
	if _, ok, err := dead.Claim(ctx, "k", "dead", time.Hour); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := dead.Put(ctx, "dead", instagram.PublishRecord{Key: "k", State: instagram.PublishCreated, ContainerID: "C9"}, 30*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	var got []instagram.PublishRecord
	for i := 0; len(got) == 0; i++ { // bounded polling on Redis's expiry
		if i == 400 {
			t.Fatal("record never became pending")
		}
		time.Sleep(10 * time.Millisecond)
		var err error
		if got, err = live.Pending(ctx, 10); err != nil {
			t.Fatal(err)
		}
	}
	if got[0].ContainerID != "C9" {
		t.Fatalf("pending = %+v", got)
	}
	rec, ok, err := live.Claim(ctx, "k", "live", time.Hour)
	if err != nil || !ok || rec.ContainerID != "C9" {
		t.Fatalf("take over = %+v %v %v", rec, ok, err)
	}
	if err := dead.Put(ctx, "dead", instagram.PublishRecord{Key: "k", State: instagram.PublishPublishing}, time.Hour); !errors.Is(err, instagram.ErrLeaseLost) {
		t.Fatalf("dead worker's Put = %v, want ErrLeaseLost", err)
	}
}

// Many workers race for pending records: each key goes to exactly one.
func TestJournalConcurrentClaims(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	p := prefix(t)
	const keys = 20
	var wins [keys]atomic.Int32
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		j := redisstore.NewPublishJournal(srv.client(t), p, 0)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < keys; k++ {
				_, ok, err := j.Claim(ctx, "key"+string(rune('a'+k)), string(rune('A'+w)), time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					wins[k].Add(1)
				}
			}
		}()
	}
	wg.Wait()
	for k := range wins {
		if n := wins[k].Load(); n != 1 {
			t.Fatalf("key %d claimed by %d workers, want 1", k, n)
		}
	}
}

func TestJournalRedisStopped(t *testing.T) {
	srv := startRedis(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	j := redisstore.NewPublishJournal(srv.client(t), prefix(t), 0)
	if _, ok, err := j.Claim(ctx, "k", "A", time.Hour); !ok || err != nil {
		t.Fatal(ok, err)
	}
	srv.stop()
	_, _, errClaim := j.Claim(ctx, "k2", "A", time.Hour)
	errPut := j.Put(ctx, "A", instagram.PublishRecord{Key: "k", State: instagram.PublishCreating}, time.Hour)
	errRel := j.Release(ctx, "k", "A")
	_, errPend := j.Pending(ctx, 5)
	for name, err := range map[string]error{"Claim": errClaim, "Put": errPut, "Release": errRel, "Pending": errPend} {
		if !errors.Is(err, redisstore.ErrRedis) {
			t.Errorf("%s = %v, want ErrRedis", name, err)
		}
	}
}
