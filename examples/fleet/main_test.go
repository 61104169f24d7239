package main_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// build compiles the example into a temporary directory.
func build(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fleet")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func needRedis(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not on PATH; CI must run the fleet example")
		}
		t.Skip("redis-server is not on PATH (Debian: apt-get install redis-server); skipping the fleet run")
	}
}

// runFleet runs the example's binary with the given number of workers
// and duration and returns the numbers of its last line.
func runFleet(t testing.TB, bin string, workers int, duration string) (map[string]float64, string) {
	t.Helper()
	cmd := exec.Command(bin, "-workers", strconv.Itoa(workers), "-duration", duration)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("fleet: %v\nstderr:\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	last := lines[len(lines)-1]
	var raw map[string]any
	if err := json.Unmarshal([]byte(last), &raw); err != nil {
		t.Fatalf("last line is not one JSON object: %q: %v", last, err)
	}
	got := map[string]float64{}
	for k, v := range raw {
		if f, ok := v.(float64); ok {
			got[k] = f
		}
	}
	for _, k := range []string{"workers", "calls", "throttled", "budget_used_pct", "dms_sent", "dm_rate_limited",
		"refreshes", "webhook_distinct_events", "webhook_deliveries", "webhook_handled",
		"publishes_requested", "posts", "duplicate_posts", "lost_posts", "workers_killed", "worker_errors"} {
		if _, ok := got[k]; !ok {
			t.Errorf("number %q missing from %s", k, last)
		}
	}
	return got, last
}

// TestFleet runs the example with two worker processes and checks what
// must hold however loaded the machine is: nothing throttled or refused,
// one refresh, each webhook event handled once, every post published once.
// How much of the budget the fleet uses is a figure of
// BenchmarkFleetUtilisation, not a pass condition.
func TestFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes for about 20 seconds")
	}
	needRedis(t)
	got, last := runFleet(t, build(t), 2, "12s")
	t.Logf("%s", last)
	want := func(key string, v float64) {
		t.Helper()
		if got[key] != v {
			t.Errorf("%s = %v, want %v", key, got[key], v)
		}
	}
	want("workers", 2)
	want("throttled", 0)
	want("dm_rate_limited", 0)
	want("refreshes", 1)
	want("duplicate_posts", 0)
	want("lost_posts", 0)
	want("workers_killed", 1)
	want("worker_errors", 0)
	want("webhook_handled", got["webhook_distinct_events"])
	want("webhook_deliveries", 2*got["webhook_distinct_events"])
	want("posts", got["publishes_requested"])
	if got["webhook_distinct_events"] == 0 || got["publishes_requested"] == 0 || got["dms_sent"] == 0 || got["calls"] == 0 {
		t.Errorf("workload missing a part: %s", last)
	}
}

// TestNeedsRedis checks that without -redis and without redis-server the
// example says what it needs and fails.
func TestNeedsRedis(t *testing.T) {
	bin := build(t)
	cmd := exec.Command(bin, "-workers", "1", "-redis", "")
	cmd.Env = append(os.Environ(), "PATH="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("fleet succeeded without Redis:\n%s", out)
	}
	if !strings.Contains(string(out), "needs Redis") || !strings.Contains(string(out), "redis-server") {
		t.Errorf("output does not say that Redis is needed:\n%s", out)
	}
}
