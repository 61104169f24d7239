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

func TestTokenStoreLoadSave(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	p := prefix(t)
	a := redisstore.NewTokenStore(srv.client(t), p, "acct1")
	b := redisstore.NewTokenStore(srv.client(t), p, "acct1")
	if tok, err := a.Load(ctx); tok != nil || err != nil {
		t.Fatalf("empty store Load = %v %v, want nil nil", tok, err)
	}
	want := &instagram.Token{AccessToken: "IGAA-new", Expiry: t0.Add(60 * 24 * time.Hour), IssuedAt: t0}
	if err := a.Save(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := b.Load(ctx)
	if err != nil || got == nil || got.AccessToken != want.AccessToken || !got.Expiry.Equal(want.Expiry) || !got.IssuedAt.Equal(want.IssuedAt) {
		t.Fatalf("other process Load = %+v %v", got, err)
	}
	if tok, _ := redisstore.NewTokenStore(srv.client(t), p, "acct2").Load(ctx); tok != nil {
		t.Fatalf("another name sees %v", tok)
	}
}

// Lock excludes every other holder across clients: a critical section run
// by many goroutines on many clients never overlaps.
func TestTokenStoreLockExcludes(t *testing.T) {
	srv := startRedis(t)
	p := prefix(t)
	var inside, maxInside, total atomic.Int32
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		s := redisstore.NewTokenStore(srv.client(t), p, "acct")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				unlock, err := s.Lock(ctx, time.Minute)
				if err != nil {
					cancel()
					t.Error(err)
					return
				}
				n := inside.Add(1)
				if n > maxInside.Load() {
					maxInside.Store(n)
				}
				total.Add(1)
				inside.Add(-1)
				if err := unlock(ctx); err != nil {
					t.Error(err)
				}
				cancel()
			}
		}()
	}
	wg.Wait()
	if maxInside.Load() != 1 || total.Load() != 30 {
		t.Fatalf("max holders at once %d (want 1), sections %d (want 30)", maxInside.Load(), total.Load())
	}
}

// A crashed holder's lock lapses with its TTL; its late unlock then
// deletes nothing (compare-and-delete) and reports ErrLockLost.
func TestTokenStoreLockTTLAndCompareAndDelete(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	p := prefix(t)
	dead := redisstore.NewTokenStore(srv.client(t), p, "acct")
	live := redisstore.NewTokenStore(srv.client(t), p, "acct")
	staleUnlock, err := dead.Lock(ctx, 30*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	unlock, err := live.Lock(lctx, time.Minute) // waits until the TTL lapses
	if err != nil {
		t.Fatal(err)
	}
	if err := staleUnlock(ctx); !errors.Is(err, redisstore.ErrLockLost) {
		t.Fatalf("stale unlock = %v, want ErrLockLost", err)
	}
	// The live holder still holds it: a third Lock cannot get it.
	short, cancel2 := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel2()
	if _, err := dead.Lock(short, time.Minute); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock while held = %v, want deadline exceeded", err)
	}
	if err := unlock(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestTokenStoreRedisStopped(t *testing.T) {
	srv := startRedis(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := redisstore.NewTokenStore(srv.client(t), prefix(t), "acct")
	unlock, err := s.Lock(ctx, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	srv.stop()
	if err := unlock(ctx); !errors.Is(err, redisstore.ErrRedis) {
		t.Fatalf("unlock = %v, want ErrRedis", err)
	}
	if _, err := s.Lock(ctx, time.Minute); !errors.Is(err, redisstore.ErrRedis) {
		t.Fatalf("Lock = %v, want ErrRedis", err)
	}
	if _, err := s.Load(ctx); !errors.Is(err, redisstore.ErrRedis) {
		t.Fatalf("Load = %v, want ErrRedis", err)
	}
	if err := s.Save(ctx, &instagram.Token{AccessToken: "x"}); !errors.Is(err, redisstore.ErrRedis) {
		t.Fatalf("Save = %v, want ErrRedis", err)
	}
}
