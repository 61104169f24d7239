package asynqpublish_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	instagram "github.com/igsdk/instagram"
	"github.com/igsdk/instagram/asynqpublish"
	"github.com/igsdk/instagram/instagramtest"
	"github.com/igsdk/instagram/redisstore"
)

// startRedis starts a real redis-server on a free loopback port for the
// test; it skips without one, and fails under CI=true.
func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not on PATH and CI=true: install Debian's redis-server package")
		}
		t.Skip("redis-server is not on PATH: skipping (install redis-server to run it)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := net.JoinHostPort("127.0.0.1", port)
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	for i := 0; c.Ping(context.Background()).Err() != nil; i++ {
		if i == 200 {
			t.Fatalf("redis-server on %s did not answer", addr)
		}
		time.Sleep(25 * time.Millisecond) // polling, not a timed assertion
	}
	return addr
}

// shortLease shortens the journal's leases so that a retry can take over
// a publish whose worker failed, within the test.
type shortLease struct{ instagram.PublishJournal }

func (j shortLease) Claim(ctx context.Context, key, holder string, lease time.Duration) (*instagram.PublishRecord, bool, error) {
	return j.PublishJournal.Claim(ctx, key, holder, min(lease, 300*time.Millisecond))
}

func (j shortLease) Put(ctx context.Context, holder string, rec instagram.PublishRecord, lease time.Duration) error {
	return j.PublishJournal.Put(ctx, holder, rec, min(lease, 300*time.Millisecond))
}

// cutOff forwards requests until the first one matching suffix: the
// server handles that one, but its answer is lost, and every request
// after it fails for downFor (0: for good), as when the network or the
// process goes away.
type cutOff struct {
	suffix  string
	downFor time.Duration
	mu      sync.Mutex
	cut     time.Time // zero until the cut
}

func (c *cutOff) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	cut := c.cut
	c.mu.Unlock()
	if !cut.IsZero() && (c.downFor == 0 || time.Since(cut) < c.downFor) {
		return nil, errors.New("network unreachable")
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && cut.IsZero() && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, c.suffix) {
		resp.Body.Close()
		c.mu.Lock()
		c.cut = time.Now()
		c.mu.Unlock()
		return nil, errors.New("connection reset after the request was sent")
	}
	return resp, err
}

// outcome counts how the tasks of a server ended.
type outcome struct {
	mu     sync.Mutex
	ok     map[string]int
	failed int
}

func (o *outcome) wrap(h asynq.Handler) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		err := h.ProcessTask(ctx, t)
		o.mu.Lock()
		defer o.mu.Unlock()
		if err != nil {
			o.failed++
		} else {
			o.ok[string(t.Payload())]++
		}
		return err
	})
}

func (o *outcome) done() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, c := range o.ok {
		n += c
	}
	return n
}

// startWorker runs an asynq server (one worker process of the queue) with
// the package's handler, until the test ends.
func startWorker(t *testing.T, addr string, client *instagram.Client, journal instagram.PublishJournal, o *outcome) {
	t.Helper()
	h, err := asynqpublish.NewHandler(client, journal)
	if err != nil {
		t.Fatal(err)
	}
	mux := asynq.NewServeMux()
	h.Register(mux)
	srv := asynq.NewServer(asynq.RedisClientOpt{Addr: addr}, asynq.Config{
		Concurrency:     2,
		RetryDelayFunc:  func(int, error, *asynq.Task) time.Duration { return 200 * time.Millisecond },
		LogLevel:        asynq.FatalLevel,
		ShutdownTimeout: time.Second,
	})
	if err := srv.Start(o.wrap(mux)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
}

// waitFor polls cond until it holds, failing the test after a generous
// bound (a guard against hanging, not a speed check).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func captions(fake *instagramtest.Server) map[string]int {
	out := map[string]int{}
	for _, m := range fake.Media() {
		out[m.Caption]++
	}
	return out
}

func enqueue(t *testing.T, q *asynq.Client, fake *instagramtest.Server, key string, opts ...asynq.Option) {
	t.Helper()
	task, err := asynqpublish.NewImageTask(asynqpublish.Image{Account: fake.UserID,
		ImageURL: "https://example.com/" + key + ".jpg", Caption: "post " + key, Key: key}, append([]asynq.Option{asynq.MaxRetry(20)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(task); err != nil {
		t.Fatalf("enqueue %s: %v", key, err)
	}
}

// Two queue workers publish the enqueued posts, each once; the same key
// cannot be enqueued twice while its task is kept.
func TestTasksPublishEachKeyOnce(t *testing.T) {
	addr := startRedis(t)
	fake := instagramtest.NewServer(instagramtest.WithMediaCount(0))
	defer fake.Close()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	journal := redisstore.NewPublishJournal(rdb, "test:", 0)
	o := &outcome{ok: map[string]int{}}
	for range 2 {
		client, err := fake.Client()
		if err != nil {
			t.Fatal(err)
		}
		startWorker(t, addr, client, journal, o)
	}
	q := asynq.NewClient(asynq.RedisClientOpt{Addr: addr})
	defer q.Close()
	keys := []string{"k0", "k1", "k2", "k3"}
	for _, k := range keys {
		enqueue(t, q, fake, k)
	}
	again, err := asynqpublish.NewImageTask(asynqpublish.Image{Account: fake.UserID, ImageURL: "https://example.com/k1.jpg", Key: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(again); !errors.Is(err, asynq.ErrTaskIDConflict) {
		t.Errorf("enqueuing k1 again: %v, want asynq.ErrTaskIDConflict", err)
	}
	waitFor(t, "the four tasks", func() bool { return o.done() == len(keys) })
	got := captions(fake)
	for _, k := range keys {
		if got["post "+k] != 1 {
			t.Errorf("post %s published %d times, want 1 (%v)", k, got["post "+k], got)
		}
	}
	if len(got) != len(keys) {
		t.Errorf("posts: %v, want one per key", got)
	}
}

// The answer to the publish step is lost and the network stays down for
// two seconds: the post exists but the worker does not know, and its task
// fails (it times out). asynq retries the task; the journal resumes the publish and finds
// the post instead of posting again.
func TestRetryAfterALostAnswerPostsOnce(t *testing.T) {
	addr := startRedis(t)
	fake := instagramtest.NewServer(instagramtest.WithMediaCount(0))
	defer fake.Close()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	journal := shortLease{redisstore.NewPublishJournal(rdb, "test:", 0)}
	client, err := fake.Client(instagram.WithHTTPClient(&http.Client{Transport: &cutOff{suffix: "/media_publish", downFor: 2 * time.Second}}))
	if err != nil {
		t.Fatal(err)
	}
	o := &outcome{ok: map[string]int{}}
	startWorker(t, addr, client, journal, o)
	q := asynq.NewClient(asynq.RedisClientOpt{Addr: addr})
	defer q.Close()
	enqueue(t, q, fake, "lost", asynq.Timeout(time.Second)) // the first run ends while the network is down
	waitFor(t, "the task to succeed", func() bool { return o.done() == 1 })
	if got := captions(fake)["post lost"]; got != 1 {
		t.Errorf("post published %d times, want 1", got)
	}
	o.mu.Lock()
	failed := o.failed
	o.mu.Unlock()
	if failed == 0 {
		t.Error("the first run of the task did not fail: the lost answer was not simulated")
	}
}

// The resume task finishes a journaled publish that no task will retry: a
// process outside the queue had its container created and then lost the
// network for good.
func TestResumeTaskFinishesAnOrphanedPublish(t *testing.T) {
	addr := startRedis(t)
	fake := instagramtest.NewServer(instagramtest.WithMediaCount(0))
	defer fake.Close()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	journal := shortLease{redisstore.NewPublishJournal(rdb, "test:", 0)}

	dying, err := fake.Client(instagram.WithHTTPClient(&http.Client{Transport: &cutOff{suffix: "/media"}}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = dying.Media.PublishImage(t.Context(), fake.UserID, "https://example.com/orphan.jpg",
		&instagram.PublishOptions{Caption: "post orphan", Journal: journal, Key: "orphan"})
	if err == nil {
		t.Fatal("the publish did not fail: the lost answer was not simulated")
	}
	if got := captions(fake)["post orphan"]; got != 0 {
		t.Fatalf("post published %d times before the resume, want 0", got)
	}

	client, err := fake.Client()
	if err != nil {
		t.Fatal(err)
	}
	o := &outcome{ok: map[string]int{}}
	startWorker(t, addr, client, journal, o)
	q := asynq.NewClient(asynq.RedisClientOpt{Addr: addr})
	defer q.Close()
	waitFor(t, "the orphaned post", func() bool {
		if _, err := q.Enqueue(asynqpublish.NewResumeTask()); err != nil {
			t.Fatalf("enqueue resume: %v", err)
		}
		time.Sleep(300 * time.Millisecond)
		return captions(fake)["post orphan"] > 0
	})
	if got := captions(fake)["post orphan"]; got != 1 {
		t.Errorf("post published %d times, want 1", got)
	}
}

func TestNewImageTaskNeedsAKey(t *testing.T) {
	_, err := asynqpublish.NewImageTask(asynqpublish.Image{Account: "1784", ImageURL: "https://example.com/a.jpg"})
	if !errors.Is(err, instagram.ErrValidation) {
		t.Errorf("no key: %v, want ErrValidation", err)
	}
	if _, err := asynqpublish.NewHandler(nil, instagram.NewMemoryPublishJournal()); !errors.Is(err, instagram.ErrValidation) {
		t.Errorf("nil client: %v, want ErrValidation", err)
	}
}
