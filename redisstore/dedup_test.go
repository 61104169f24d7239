package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/igsdk/instagram/redisstore"
	"github.com/igsdk/instagram/webhook"
)

func TestDedupClaimCommitRelease(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	p := prefix(t)
	a := redisstore.NewDedupStore(srv.client(t), p)
	b := redisstore.NewDedupStore(srv.client(t), p) // another replica
	claim := func(s *redisstore.DedupStore, holder string) webhook.ClaimResult {
		t.Helper()
		r, err := s.Claim(ctx, "ev1", holder, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := claim(a, "A"); r != webhook.Claimed {
		t.Fatalf("first claim = %v", r)
	}
	if r := claim(b, "B"); r != webhook.InProgress {
		t.Fatalf("claim while A holds it = %v, want InProgress", r)
	}
	// Release by a non-holder leaves A's claim alone (compare-and-delete).
	if err := b.Release(ctx, "ev1", "B"); err != nil {
		t.Fatal(err)
	}
	if r := claim(b, "B"); r != webhook.InProgress {
		t.Fatalf("after B's release = %v, want InProgress", r)
	}
	if err := a.Release(ctx, "ev1", "A"); err != nil {
		t.Fatal(err)
	}
	if r := claim(b, "B"); r != webhook.Claimed {
		t.Fatalf("after A's release = %v, want Claimed", r)
	}
	if err := b.Commit(ctx, "ev1", "B", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := b.Release(ctx, "ev1", "B"); err != nil { // a committed key is left alone
		t.Fatal(err)
	}
	if r := claim(a, "A"); r != webhook.AlreadyHandled {
		t.Fatalf("after commit = %v, want AlreadyHandled", r)
	}
}

// A claim whose lease lapsed (Redis's expiry) is free again.
func TestDedupLeaseLapses(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	s := redisstore.NewDedupStore(srv.client(t), prefix(t))
	if r, err := s.Claim(ctx, "ev", "dead", 20*time.Millisecond); err != nil || r != webhook.Claimed {
		t.Fatalf("claim = %v %v", r, err)
	}
	for i := 0; ; i++ { // bounded polling on Redis's own expiry
		r, err := s.Claim(ctx, "ev", "next", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if r == webhook.Claimed {
			break
		}
		if i == 400 {
			t.Fatalf("lease never lapsed: %v", r)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Many replicas race for one key: exactly one wins.
func TestDedupConcurrentClaims(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	p := prefix(t)
	for round := 0; round < 20; round++ {
		key := "ev" + string(rune('a'+round))
		var won atomic.Int32
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			s := redisstore.NewDedupStore(srv.client(t), p)
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := s.Claim(ctx, key, string(rune('A'+w)), time.Hour)
				if err != nil {
					t.Error(err)
				}
				if r == webhook.Claimed {
					won.Add(1)
				}
			}()
		}
		wg.Wait()
		if n := won.Load(); n != 1 {
			t.Fatalf("round %d: %d claims won, want 1", round, n)
		}
	}
}

// The same signed delivery, sent to every replica's Handler at once, runs
// its callbacks once across the fleet.
func TestDedupAcrossHandlers(t *testing.T) {
	srv := startRedis(t)
	p := prefix(t)
	body, err := os.ReadFile("testdata/messages.json")
	if err != nil {
		t.Fatal(err)
	}
	const secret = "0f3e9a7c51d24b6e8a90c1d2e3f4a5b6"
	var runs atomic.Int64
	var handlers []*webhook.Handler
	for i := 0; i < 4; i++ {
		h := webhook.NewHandler(secret, webhook.Options{Dedup: redisstore.NewDedupStore(srv.client(t), p)})
		h.OnEvent(func(context.Context, webhook.Event) error { runs.Add(1); return nil })
		handlers = append(handlers, h)
	}
	deliver := func(h *webhook.Handler) int {
		r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set(webhook.SignatureHeader, webhook.Sign(body, secret))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	if code := deliver(handlers[0]); code != http.StatusOK {
		t.Fatalf("first delivery answered %d", code)
	}
	once := runs.Load()
	if once == 0 {
		t.Fatal("the delivery ran no callback")
	}
	var wg sync.WaitGroup
	for _, h := range handlers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code := deliver(h); code != http.StatusOK {
				t.Errorf("redelivery answered %d, want 200", code)
			}
		}()
	}
	wg.Wait()
	if n := runs.Load(); n != once {
		t.Fatalf("callbacks ran %d times over 5 deliveries, want %d (once per event)", n, once)
	}
}

// When Redis is down the store fails clearly (ErrRedis), and the Handler
// answers 503 without running the event, so Meta redelivers.
func TestDedupRedisStopped(t *testing.T) {
	srv := startRedis(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := redisstore.NewDedupStore(srv.client(t), prefix(t))
	if _, err := s.Claim(ctx, "ev", "A", time.Minute); err != nil {
		t.Fatal(err)
	}
	srv.stop()
	if _, err := s.Claim(ctx, "ev2", "A", time.Minute); !errors.Is(err, redisstore.ErrRedis) {
		t.Fatalf("Claim = %v, want ErrRedis", err)
	}
	if err := s.Commit(ctx, "ev", "A", time.Hour); !errors.Is(err, redisstore.ErrRedis) {
		t.Fatalf("Commit = %v, want ErrRedis", err)
	}
	if err := s.Release(ctx, "ev", "A"); !errors.Is(err, redisstore.ErrRedis) {
		t.Fatalf("Release = %v, want ErrRedis", err)
	}
	body, err := os.ReadFile("testdata/messages.json")
	if err != nil {
		t.Fatal(err)
	}
	const secret = "0f3e9a7c51d24b6e8a90c1d2e3f4a5b6"
	h := webhook.NewHandler(secret, webhook.Options{Dedup: s})
	var runs atomic.Int64
	h.OnEvent(func(context.Context, webhook.Event) error { runs.Add(1); return nil })
	r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	r.Header.Set(webhook.SignatureHeader, webhook.Sign(body, secret))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusServiceUnavailable || runs.Load() != 0 {
		t.Fatalf("with Redis down: answered %d after %d runs, want 503 and none", w.Code, runs.Load())
	}
}
