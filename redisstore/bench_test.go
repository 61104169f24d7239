package redisstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/redisstore"
)

// The benchmarks measure each store call against a real redis-server on
// loopback; each reports its Redis round trips per call ("rtt/op").

func BenchmarkLimitObserve(b *testing.B) {
	srv := startRedis(b)
	rdb, rt := srv.countedClient(b)
	s := redisstore.NewLimitStore(rdb, "")
	ctx := context.Background()
	obs := []instagram.BudgetObservation{{Key: "app", Percent: 42}, {Key: "buc:1", Percent: 10}}
	start := rt.n.Load()
	for b.Loop() {
		if err := s.Observe(ctx, obs, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	reportTrips(b, rt, start)
}

func BenchmarkLimitBlocked(b *testing.B) {
	srv := startRedis(b)
	rdb, rt := srv.countedClient(b)
	s := redisstore.NewLimitStore(rdb, "")
	ctx := context.Background()
	_ = s.Observe(ctx, []instagram.BudgetObservation{{Key: "app", Percent: 100, BlockedUntil: time.Now().Add(time.Hour)}}, time.Hour)
	keys := []string{"app", "buc:1", "msg:1:text"}
	now := time.Now()
	start := rt.n.Load()
	for b.Loop() {
		if _, err := s.Blocked(ctx, keys, now); err != nil {
			b.Fatal(err)
		}
	}
	reportTrips(b, rt, start)
}

func BenchmarkLimitReserve(b *testing.B) {
	srv := startRedis(b)
	rdb, rt := srv.countedClient(b)
	s := redisstore.NewLimitStore(rdb, "")
	ctx := context.Background()
	now := time.Now()
	start := rt.n.Load()
	for b.Loop() {
		if _, _, err := s.Reserve(ctx, "msg:1:text", time.Microsecond, time.Hour, now); err != nil {
			b.Fatal(err)
		}
	}
	reportTrips(b, rt, start)
}

func BenchmarkLimitUse(b *testing.B) {
	srv := startRedis(b)
	rdb, rt := srv.countedClient(b)
	s := redisstore.NewLimitStore(rdb, "")
	ctx := context.Background()
	now := time.Now()
	i := 0
	start := rt.n.Load()
	for b.Loop() {
		if _, _, err := s.Use(ctx, "tags:1", strconv.Itoa(i%30), 30, 7*24*time.Hour, now); err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportTrips(b, rt, start)
}

func BenchmarkLimitBudgets(b *testing.B) {
	srv := startRedis(b)
	rdb, rt := srv.countedClient(b)
	s := redisstore.NewLimitStore(rdb, "")
	ctx := context.Background()
	var obs []instagram.BudgetObservation
	for i := 0; i < 10; i++ {
		obs = append(obs, instagram.BudgetObservation{Key: "buc:" + strconv.Itoa(i), Percent: i})
	}
	_ = s.Observe(ctx, obs, time.Hour)
	start := rt.n.Load()
	for b.Loop() {
		if _, err := s.Budgets(ctx, 10); err != nil {
			b.Fatal(err)
		}
	}
	reportTrips(b, rt, start)
}

// One webhook event's store traffic: claim then commit.
func BenchmarkDedupClaimCommit(b *testing.B) {
	srv := startRedis(b)
	rdb, rt := srv.countedClient(b)
	s := redisstore.NewDedupStore(rdb, "")
	ctx := context.Background()
	i := 0
	start := rt.n.Load()
	for b.Loop() {
		k := "ev" + strconv.Itoa(i)
		if _, err := s.Claim(ctx, k, "h", time.Minute); err != nil {
			b.Fatal(err)
		}
		if err := s.Commit(ctx, k, "h", time.Minute); err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportTrips(b, rt, start)
}

// One refresh's lock traffic when the lock is free: lock, load, save, unlock.
func BenchmarkTokenLockLoadSaveUnlock(b *testing.B) {
	srv := startRedis(b)
	rdb, rt := srv.countedClient(b)
	s := redisstore.NewTokenStore(rdb, "", "acct")
	ctx := context.Background()
	tok := &instagram.Token{AccessToken: "IGAA-bench", Expiry: time.Now().Add(time.Hour)}
	start := rt.n.Load()
	for b.Loop() {
		unlock, err := s.Lock(ctx, time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Load(ctx); err != nil {
			b.Fatal(err)
		}
		if err := s.Save(ctx, tok); err != nil {
			b.Fatal(err)
		}
		if err := unlock(ctx); err != nil {
			b.Fatal(err)
		}
	}
	reportTrips(b, rt, start)
}

// One journaled publish's traffic: claim, three puts (created,
// publishing, done), release.
func BenchmarkJournalPublish(b *testing.B) {
	srv := startRedis(b)
	rdb, rt := srv.countedClient(b)
	j := redisstore.NewPublishJournal(rdb, "", time.Minute)
	ctx := context.Background()
	i := 0
	start := rt.n.Load()
	for b.Loop() {
		k := "p" + strconv.Itoa(i)
		if _, _, err := j.Claim(ctx, k, "h", time.Minute); err != nil {
			b.Fatal(err)
		}
		for _, st := range []instagram.PublishState{instagram.PublishCreated, instagram.PublishPublishing, instagram.PublishDone} {
			if err := j.Put(ctx, "h", instagram.PublishRecord{Key: k, State: st, ContainerID: "C"}, time.Minute); err != nil {
				b.Fatal(err)
			}
		}
		if err := j.Release(ctx, k, "h"); err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportTrips(b, rt, start)
}

func BenchmarkJournalPending(b *testing.B) {
	srv := startRedis(b)
	rdb, rt := srv.countedClient(b)
	j := redisstore.NewPublishJournal(rdb, "", time.Minute)
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		k := "p" + strconv.Itoa(i)
		_, _, _ = j.Claim(ctx, k, "h", time.Minute)
		_ = j.Put(ctx, "h", instagram.PublishRecord{Key: k, State: instagram.PublishCreated}, time.Minute)
		_ = j.Release(ctx, k, "h")
	}
	start := rt.n.Load()
	for b.Loop() {
		if got, err := j.Pending(ctx, 10); err != nil || len(got) != 10 {
			b.Fatal(len(got), err)
		}
	}
	reportTrips(b, rt, start)
}
