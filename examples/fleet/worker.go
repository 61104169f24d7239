package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	instagram "github.com/igsdk/instagram"
	"github.com/igsdk/instagram/redisstore"
	"github.com/igsdk/instagram/webhook"
	"github.com/redis/go-redis/v9"
)

// workerConfig is what the parent passes to a worker: on its command
// line, and the timeline in the start line it writes to its input.
type workerConfig struct {
	worker      bool
	api, redis  string
	id          int
	workers     int
	start       int64
	until       int64
	publishAt   int64
	kill        bool
	publishFrom int
	account     string
	recipient   string
	secret      string
}

// killTransport ends the process right after the first container was
// created: the fake holds the container, the journal says Creating, and
// nobody publishes it unless another worker resumes it.
type killTransport struct{ base http.RoundTripper }

func (t killTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err == nil && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/media") {
		_, _ = io.Copy(io.Discard, resp.Body)
		fmt.Fprintln(os.Stderr, "fleet: worker killed right after creating its container")
		os.Exit(killExitCode)
	}
	return resp, err
}

// shortLease is the shared journal with a lease of journalLease instead
// of the SDK's two minutes, so that a dead worker's publish is resumed
// within the run.
type shortLease struct{ instagram.PublishJournal }

func (j shortLease) Claim(ctx context.Context, key, holder string, lease time.Duration) (*instagram.PublishRecord, bool, error) {
	if lease > 0 {
		lease = journalLease
	}
	return j.PublishJournal.Claim(ctx, key, holder, lease)
}

func (j shortLease) Put(ctx context.Context, holder string, rec instagram.PublishRecord, lease time.Duration) error {
	if lease > 0 {
		lease = journalLease
	}
	return j.PublishJournal.Put(ctx, holder, rec, lease)
}

// readStart waits for the parent's start line on standard input:
// "start RUN UNTIL PUBLISH", three Unix millisecond times.
func readStart(cfg *workerConfig) error {
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		return fmt.Errorf("no start line from the parent: %w", err)
	}
	if _, err := fmt.Sscanf(line, "start %d %d %d", &cfg.start, &cfg.until, &cfg.publishAt); err != nil {
		return fmt.Errorf("start line %q: %w", line, err)
	}
	return nil
}

func runWorker(cfg workerConfig) error {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: cfg.redis})
	defer rdb.Close()

	// A webhook replica with the shared de-duplication store; the parent
	// delivers before the workload starts.
	hooks := webhook.NewHandler(cfg.secret, webhook.Options{Dedup: redisstore.NewDedupStore(rdb, prefix)})
	hooks.Handle(webhook.EventComment, func(ctx context.Context, _ webhook.Event) error {
		return rdb.Incr(ctx, prefix+"stats:handled").Err()
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/webhook", hooks)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(l)
	defer hs.Close()
	fmt.Println("ready", l.Addr().String())
	if err := readStart(&cfg); err != nil {
		return err
	}

	tokens := redisstore.NewTokenStore(rdb, prefix, tokenName)
	tok, err := tokens.Load(ctx)
	if err != nil || tok == nil {
		return fmt.Errorf("no token in the store: %v", err)
	}
	authClient, err := instagram.NewClient(instagram.WithBaseURL(cfg.api), instagram.WithUploadURL(cfg.api))
	if err != nil {
		return err
	}
	var tsErrs sync.Map
	ts := authClient.Auth.TokenSource(tok, &instagram.TokenSourceOptions{
		Store: tokens, Window: refreshAhead, RetryAfter: time.Second, Timeout: refreshTimeout,
		OnError: func(err error) { tsErrs.Store(err.Error(), true) },
	})
	var rt http.RoundTripper = http.DefaultTransport
	if cfg.kill {
		rt = killTransport{base: rt}
	}
	client, err := instagram.NewClient(
		instagram.WithTokenSource(ts),
		instagram.WithBaseURL(cfg.api), instagram.WithUploadURL(cfg.api),
		instagram.WithHTTPClient(&http.Client{Transport: rt}),
		instagram.WithLimits(instagram.Limits{
			Store:     redisstore.NewLimitStore(rdb, prefix),
			Cooldown:  budgetWindow,
			Messaging: instagram.MessagingLimits{Send: instagram.MessagingLimit{Calls: dmLimit, Per: dmWindow}},
		}),
	)
	if err != nil {
		return err
	}
	journal := shortLease{redisstore.NewPublishJournal(rdb, prefix, 0)}
	time.Sleep(time.Until(time.UnixMilli(cfg.start))) // every worker starts at once

	until := time.UnixMilli(cfg.until)
	runCtx, cancel := context.WithDeadline(ctx, until)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	fail := func(what string, err error) {
		if err == nil || runCtx.Err() != nil {
			return
		}
		var rl *instagram.RateLimitError
		if errors.As(err, &rl) && rl.Err == nil {
			// Refused before sending: the wait would pass the end of the
			// run. Nothing reached the API; wait out the rest.
			select {
			case <-time.After(rl.RetryAfter):
			case <-runCtx.Done():
			}
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 5 {
			failures = append(failures, what+": "+err.Error())
		}
	}
	// Reads: the fleet together offers readOffer times the app budget, so
	// only the shared budget state keeps it under the limit.
	wg.Add(1)
	go func() {
		defer wg.Done()
		every := time.Duration(float64(budgetWindow) * float64(cfg.workers) / (readOffer * budgetCalls))
		tick := time.NewTicker(every)
		defer tick.Stop()
		for runCtx.Err() == nil {
			_, err := client.Users.Me(runCtx, nil)
			fail("read", err)
			select {
			case <-tick.C:
			case <-runCtx.Done():
			}
		}
	}()
	// DMs to one account, paced fleet-wide.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; runCtx.Err() == nil; i++ {
			_, err := client.Messaging.SendText(runCtx, cfg.account, cfg.recipient, fmt.Sprintf("fleet dm %d-%d", cfg.id, i))
			fail("dm", err)
		}
	}()
	// Publishes, from a third of the way in; the journal resumes what a
	// dead worker left.
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-time.After(time.Until(time.UnixMilli(cfg.publishAt))):
		case <-runCtx.Done():
		}
		for j := cfg.publishFrom; j < publishesPer; j++ {
			key := postKey(cfg.id, j)
			_, err := client.Media.PublishImage(ctx, cfg.account, "https://example.com/"+key+".jpg",
				&instagram.PublishOptions{Caption: "fleet post " + key, Journal: journal, Key: key})
			if err != nil && !errors.Is(err, instagram.ErrPublishInProgress) {
				fail("publish "+key, err)
			}
		}
	}()
	wg.Wait()

	// Finish what dead workers left: resume until the journal holds
	// nothing unfinished (bounded).
	deadline := time.Now().Add(3 * journalLease)
	for time.Now().Before(deadline) {
		if _, err := client.Media.ResumePublishes(ctx, journal, nil); err != nil {
			fail("resume", err)
		}
		n, err := rdb.ZCard(ctx, prefix+"{journal}:pending").Result()
		if err == nil && n == 0 {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	tsErrs.Range(func(k, _ any) bool { fmt.Fprintln(os.Stderr, "fleet: token source:", k); return true })
	if len(failures) > 0 {
		return errors.New(strings.Join(failures, "; "))
	}
	return nil
}
