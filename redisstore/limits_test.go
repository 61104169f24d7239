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

var t0 = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

func TestLimitStoreBudgetBlocksAreShared(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	p := prefix(t)
	a := redisstore.NewLimitStore(srv.client(t), p)
	b := redisstore.NewLimitStore(srv.client(t), p) // another process, same Redis and prefix
	until := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	if err := a.Observe(ctx, []instagram.BudgetObservation{
		{Key: "app", Percent: 100, BlockedUntil: until},
		{Key: "buc:42", Percent: 37},
	}, time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := b.Blocked(ctx, []string{"buc:42", "app"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(until) {
		t.Fatalf("Blocked = %v, want %v", got, until)
	}
	// An earlier block end never shortens the block; a figure-less observation keeps the usage.
	if err := b.Observe(ctx, []instagram.BudgetObservation{{Key: "app", Percent: -1, BlockedUntil: until.Add(-time.Minute)}}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Blocked(ctx, []string{"app"}, time.Now()); !got.Equal(until) {
		t.Fatalf("block shortened to %v, want %v", got, until)
	}
	// Past the end, nothing is blocked.
	if got, _ := a.Blocked(ctx, []string{"app", "buc:42"}, until.Add(time.Millisecond)); !got.IsZero() {
		t.Fatalf("Blocked after end = %v, want zero", got)
	}
	if got, _ := a.Blocked(ctx, []string{"buc:42", "never-seen"}, time.Now()); !got.IsZero() {
		t.Fatalf("unblocked budgets report %v", got)
	}
	list, err := b.Budgets(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]instagram.BudgetObservation{}
	for _, o := range list {
		byKey[o.Key] = o
	}
	if len(byKey) != 2 || byKey["app"].Percent != 100 || !byKey["app"].BlockedUntil.Equal(until) ||
		byKey["buc:42"].Percent != 37 || !byKey["buc:42"].BlockedUntil.IsZero() {
		t.Fatalf("Budgets = %+v", list)
	}
	if list, _ := b.Budgets(ctx, 1); len(list) != 1 {
		t.Fatalf("Budgets(limit 1) returned %d", len(list))
	}
}

func TestLimitStoreBudgetExpiresAfterTTL(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	rdb := srv.client(t)
	s := redisstore.NewLimitStore(rdb, prefix(t))
	if err := s.Observe(ctx, []instagram.BudgetObservation{{Key: "app", Percent: 50}}, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	// Redis's own expiry: poll with bounded retries, no exact sleep. Both
	// the budget and its index entry go.
	for i := 0; ; i++ {
		list, err := s.Budgets(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		n, err := rdb.DBSize(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 && n == 0 {
			break
		}
		if i == 400 {
			t.Fatalf("budget still held long after its TTL: %+v, %d keys", list, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLimitStoreReserveSpacesSlots(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	s := redisstore.NewLimitStore(srv.client(t), prefix(t))
	// Intervals of minutes: the key's Redis expiry (interval after its last
	// slot, counted on Redis's clock) cannot lapse while the test runs.
	iv := time.Minute
	for i, want := range []time.Duration{0, iv, 2 * iv} {
		w, ok, err := s.Reserve(ctx, "msg:1:text", iv, 2*iv, t0)
		if err != nil || !ok || w != want {
			t.Fatalf("reserve %d = %v %v %v, want %v true", i, w, ok, err, want)
		}
	}
	// The next slot is 3 intervals away: more than maxWait, nothing is booked.
	w, ok, err := s.Reserve(ctx, "msg:1:text", iv, 2*iv, t0)
	if err != nil || ok || w != 3*iv {
		t.Fatalf("over maxWait = %v %v %v, want 3m false", w, ok, err)
	}
	// Nothing was booked by the refusal: 2 intervals later the slot at 3 is free.
	w, ok, _ = s.Reserve(ctx, "msg:1:text", iv, 2*iv, t0.Add(2*iv))
	if !ok || w != iv {
		t.Fatalf("after refusal = %v %v, want 1m true", w, ok)
	}
	// Keys are independent; a late caller starts at its own now.
	if w, ok, _ := s.Reserve(ctx, "msg:2:text", iv, 0, t0.Add(time.Hour)); !ok || w != 0 {
		t.Fatalf("other key = %v %v", w, ok)
	}
}

// Many goroutines on many clients book slots at once: no two get the same
// slot, and the slots are exactly interval apart.
func TestLimitStoreReserveConcurrent(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	p := prefix(t)
	const workers, each = 8, 25
	iv := time.Minute // long enough that Redis's expiry of the key cannot lapse mid-test
	var mu sync.Mutex
	seen := map[time.Duration]bool{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		s := redisstore.NewLimitStore(srv.client(t), p)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				wait, ok, err := s.Reserve(ctx, "msg:1:text", iv, 1000*iv, t0)
				if err != nil || !ok {
					t.Errorf("reserve: %v %v", ok, err)
					return
				}
				mu.Lock()
				if seen[wait] {
					t.Errorf("slot %v booked twice", wait)
				}
				seen[wait] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i := 0; i < workers*each; i++ {
		if !seen[time.Duration(i)*iv] {
			t.Fatalf("slot %d (%v) never booked; %d slots", i, time.Duration(i)*iv, len(seen))
		}
	}
}

func TestLimitStoreHashtagQuota(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	s := redisstore.NewLimitStore(srv.client(t), prefix(t))
	week := 7 * 24 * time.Hour
	use := func(m string, at time.Time) (bool, time.Time) {
		t.Helper()
		ok, retry, err := s.Use(ctx, "tags:1", m, 3, week, at)
		if err != nil {
			t.Fatal(err)
		}
		return ok, retry
	}
	for i, m := range []string{"a", "b", "c"} {
		if ok, _ := use(m, t0.Add(time.Duration(i)*time.Hour)); !ok {
			t.Fatalf("%s refused", m)
		}
	}
	if ok, _ := use("a", t0.Add(5*time.Hour)); !ok {
		t.Fatal("repeating a used member refused")
	}
	ok, retry := use("d", t0.Add(5*time.Hour))
	if ok || !retry.Equal(t0.Add(week)) {
		t.Fatalf("4th member = %v %v, want refused until %v", ok, retry, t0.Add(week))
	}
	// Once "a" (first used at t0) leaves the window, a new member fits.
	if ok, _ := use("d", t0.Add(week)); !ok {
		t.Fatal("d refused after a left the window")
	}
	if ok, _ := use("e", t0.Add(week)); ok {
		t.Fatal("e allowed: b, c, d are still in the window")
	}
}

// Concurrent new members from many clients never exceed the limit.
func TestLimitStoreHashtagQuotaConcurrent(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	p := prefix(t)
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		s := redisstore.NewLimitStore(srv.client(t), p)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				ok, _, err := s.Use(ctx, "tags:1", string(rune('A'+w))+string(rune('a'+i)), 30, time.Hour, t0)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					allowed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := allowed.Load(); n != 30 {
		t.Fatalf("%d distinct members allowed, want exactly 30", n)
	}
}

// When Redis dies mid-run, every method fails with ErrRedis (the Client
// falls back to local state on such errors) instead of hanging or
// pretending success.
func TestLimitStoreRedisStopped(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	s := redisstore.NewLimitStore(srv.client(t), prefix(t))
	if _, ok, err := s.Reserve(ctx, "k", time.Second, 0, t0); err != nil || !ok {
		t.Fatalf("before stop: %v %v", ok, err)
	}
	srv.stop()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	checks := map[string]error{}
	_, _, checks["Reserve"] = s.Reserve(ctx, "k", time.Second, 0, t0)
	checks["Observe"] = s.Observe(ctx, []instagram.BudgetObservation{{Key: "app", Percent: 1}}, time.Hour)
	_, checks["Blocked"] = s.Blocked(ctx, []string{"app"}, t0)
	_, checks["Budgets"] = s.Budgets(ctx, 5)
	_, _, checks["Use"] = s.Use(ctx, "q", "m", 30, time.Hour, t0)
	for name, err := range checks {
		if !errors.Is(err, redisstore.ErrRedis) {
			t.Errorf("%s after Redis stopped: %v, want ErrRedis", name, err)
		}
	}
}
