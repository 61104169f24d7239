package redisstore_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// server is one redis-server process started for a test.
type server struct {
	cmd  *exec.Cmd
	addr string
}

// startRedis starts a real redis-server on a free loopback port, stopped
// when t ends. It skips the test when redis-server is not on PATH, and
// fails it instead when CI=true, so that CI cannot skip these tests.
func startRedis(tb testing.TB) *server {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("redis-server is not on PATH and CI=true: the Redis tests must run in CI (install Debian's redis-server package)")
		}
		tb.Skip("redis-server is not on PATH: skipping the Redis tests (install redis-server to run them)")
	}
	for attempt := 0; attempt < 5; attempt++ {
		port := freePort(tb)
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", tb.TempDir())
		if err := cmd.Start(); err != nil {
			tb.Fatalf("start redis-server: %v", err)
		}
		s := &server{cmd: cmd, addr: addr}
		if s.waitReady() {
			tb.Cleanup(s.stop)
			return s
		}
		s.stop() // port taken between probe and start: try another
	}
	tb.Fatalf("redis-server did not become ready")
	return nil
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitReady polls PING with bounded retries until the server answers.
func (s *server) waitReady() bool {
	c := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	for i := 0; i < 200; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return true
		}
		if s.cmd.ProcessState != nil {
			return false
		}
		time.Sleep(25 * time.Millisecond) // polling interval, not a timed assertion
	}
	return false
}

// stop kills the server and waits for it to exit.
func (s *server) stop() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
}

// client returns a go-redis client on s, closed when tb ends.
func (s *server) client(tb testing.TB) redis.UniversalClient {
	tb.Helper()
	c := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{s.addr}, MaxRetries: -1,
		DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

var prefixSeq int

// prefix returns a prefix of its own for each test.
func prefix(tb testing.TB) string {
	prefixSeq++
	return fmt.Sprintf("t%d:", prefixSeq)
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// TestMain silences go-redis's own logging of failed dials: the tests that
// stop Redis check the errors the stores return instead.
func TestMain(m *testing.M) {
	redis.SetLogger(quietLogger{})
	os.Exit(m.Run())
}

// trips counts the round trips a go-redis client makes: each command, and
// each pipeline, is one.
type trips struct{ n atomic.Int64 }

func (c *trips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *trips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}
func (c *trips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { c.n.Add(1); return next(ctx, cmds) }
}

// countedClient returns a client on s and the counter of its round trips.
func (s *server) countedClient(tb testing.TB) (redis.UniversalClient, *trips) {
	c := s.client(tb)
	t := &trips{}
	c.AddHook(t)
	return c, t
}

// reportTrips reports the round trips per iteration measured since start.
func reportTrips(b *testing.B, t *trips, start int64) {
	b.ReportMetric(float64(t.n.Load()-start)/float64(b.N), "rtt/op")
}
