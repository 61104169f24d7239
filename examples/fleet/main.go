// Command fleet runs many worker processes against one fake Instagram API
// and one Redis, and shows that the guarantees the SDK gives inside one
// process hold for the whole fleet when its state lives in the redisstore
// stores: the app budget, the messaging pacer, one token refresh, webhook
// de-duplication and journaled publishes that a dead worker leaves behind.
//
//	go run ./examples/fleet -workers 4
//
// The parent serves the fake (package instagramtest) on a loopback port,
// starts a redis-server of its own when -redis is empty, and spawns the
// workers: processes of its own binary, each with its own Redis
// connection. The workload mixes reads near the app budget, DMs to one
// account, a token that expires mid-run, the same webhook deliveries sent
// to every worker, and publishes, with one worker killed right after it
// created a container (another worker resumes the post from the journal).
// The last line of standard output is one JSON object with the figures.
package main

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	instagram "github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
	"github.com/igsdk/instagram/redisstore"
	"github.com/redis/go-redis/v9"
)

// Workload parameters shared by the parent and the workers.
const (
	budgetCalls  = 400             // app and account budget per window
	budgetWindow = 5 * time.Second // the fake's fixed window
	readOffer    = 1.25            // reads offered by the fleet, as a multiple of the budget
	// The fake's send limit per account: 20 a second, counted over any
	// 5 s window. Meta counts per second; the longer window gives the
	// client's pacing margin (it spaces sends a tenth wider than the
	// limit, a tenth of the window) 500 ms instead of 100 ms, which covers
	// the moments when a loaded machine stalls several workers at once
	// (seen up to 150 ms under the race detector on 2 busy CPUs): the
	// sends they held back then go out together with the ones after them.
	dmLimit      = 100
	dmWindow     = 5 * time.Second
	publishesPer = 3  // posts each worker publishes
	webhookCount = 20 // distinct webhook events
	journalLease = 4 * time.Second
	// The token is due for refresh refreshDue into the run and expires
	// refreshAhead later. refreshAhead is longer than the longest budget
	// block (a window): calls waiting for a budget ask for no token, so
	// the refresh may have to wait until the block is over.
	refreshDue   = time.Second
	refreshAhead = budgetWindow + 2*time.Second
	// refreshTimeout bounds one refresh and is the TTL of the fleet's
	// refresh lock: a worker that dies holding the lock keeps the others
	// from refreshing for this long, which must stay short beside the
	// token's remaining life in this compressed run.
	refreshTimeout = 2 * time.Second
	prefix         = "fleet:"
	tokenName      = "main"
	killExitCode   = 3
)

// Result is the JSON line the run ends with.
type Result struct {
	Workers               int     `json:"workers"`
	Calls                 int     `json:"calls"`
	Throttled             int     `json:"throttled"`
	BudgetUsedPct         float64 `json:"budget_used_pct"`
	BudgetWindows         []int   `json:"budget_windows"`
	DMsSent               int     `json:"dms_sent"`
	DMRateLimited         int     `json:"dm_rate_limited"`
	Refreshes             int     `json:"refreshes"`
	WebhookDistinctEvents int     `json:"webhook_distinct_events"`
	WebhookDeliveries     int     `json:"webhook_deliveries"`
	WebhookHandled        int     `json:"webhook_handled"`
	PublishesRequested    int     `json:"publishes_requested"`
	Posts                 int     `json:"posts"`
	DuplicatePosts        int     `json:"duplicate_posts"`
	LostPosts             int     `json:"lost_posts"`
	WorkersKilled         int     `json:"workers_killed"`
	WorkerErrors          int     `json:"worker_errors"`
	Seconds               float64 `json:"seconds"`
}

func main() {
	var cfg workerConfig
	workers := flag.Int("workers", 4, "number of worker processes")
	redisAddr := flag.String("redis", "", "Redis address host:port; empty starts a redis-server on a free loopback port")
	duration := flag.Duration("duration", 25*time.Second, "how long the workers run their workload")
	flag.BoolVar(&cfg.worker, "worker", false, "run as a worker (set by the parent)")
	flag.StringVar(&cfg.api, "api", "", "worker: base URL of the fake API")
	flag.StringVar(&cfg.redis, "worker-redis", "", "worker: Redis address")
	flag.IntVar(&cfg.id, "id", 0, "worker: worker number")
	flag.IntVar(&cfg.workers, "fleet-size", 1, "worker: number of workers in the fleet")
	flag.BoolVar(&cfg.kill, "kill", false, "worker: exit right after creating the first container")
	flag.IntVar(&cfg.publishFrom, "publish-from", 0, "worker: first post number to publish")
	flag.StringVar(&cfg.account, "account", "", "worker: account id")
	flag.StringVar(&cfg.recipient, "recipient", "", "worker: DM recipient")
	flag.StringVar(&cfg.secret, "secret", "", "worker: app secret")
	flag.Parse()
	if cfg.worker {
		if err := runWorker(cfg); err != nil {
			fmt.Fprintln(os.Stderr, "worker:", err)
			os.Exit(1)
		}
		return
	}
	if *workers < 1 || *duration <= 0 {
		fmt.Fprintln(os.Stderr, "fleet: -workers must be at least 1 and -duration positive")
		os.Exit(2)
	}
	res, err := runParent(*workers, *redisAddr, *duration)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(1)
	}
	b, _ := json.Marshal(res)
	fmt.Println(string(b))
}

// errNoRedis is returned when no Redis is given and none can be started.
var errNoRedis = errors.New("this example needs Redis: pass -redis host:port, or put redis-server on PATH (Debian: apt-get install redis-server)")

// startRedis starts a throw-away redis-server on a free loopback port.
func startRedis() (addr string, stop func(), err error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, errNoRedis
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	stop = func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	for i := 0; ; i++ {
		if rdb.Ping(context.Background()).Err() == nil {
			return addr, stop, nil
		}
		if i == 100 {
			stop()
			return "", nil, fmt.Errorf("redis-server on %s did not answer", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// counter counts what the fake answered, by route.
type counter struct {
	refreshes atomic.Int64
	dms       atomic.Int64
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) { w.code = code; w.ResponseWriter.WriteHeader(code) }

func (c *counter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(sw, r)
		switch {
		case strings.HasSuffix(r.URL.Path, "/refresh_access_token") && sw.code == http.StatusOK:
			c.refreshes.Add(1)
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages") && sw.code == http.StatusOK:
			c.dms.Add(1)
		}
	})
}

func runParent(n int, redisAddr string, duration time.Duration) (*Result, error) {
	started := time.Now()
	if redisAddr == "" {
		addr, stop, err := startRedis()
		if err != nil {
			return nil, err
		}
		defer stop()
		redisAddr = addr
	}
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr})
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("redis at %s: %w", redisAddr, err)
	}
	// Start from a clean slate under the prefix (a given Redis may hold an
	// earlier run).
	if keys, err := rdb.Keys(ctx, prefix+"*").Result(); err == nil && len(keys) > 0 {
		rdb.Del(ctx, keys...)
	}

	// The fake's clock starts 25 hours back, so that the token issued
	// below is old enough for Meta's refresh rule (24 hours) yet expires
	// within the run; otherwise it follows the wall clock.
	var offset atomic.Int64
	offset.Store(int64(-25 * time.Hour))
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	srv := instagramtest.NewServer(
		instagramtest.WithClock(clock),
		instagramtest.WithRateLimit(budgetCalls, budgetWindow),
		instagramtest.WithMessagingLimits(instagramtest.MessagingLimits{Send: instagramtest.RateLimit{Calls: dmLimit, Per: dmWindow}}),
		instagramtest.WithMediaCount(0),
	)
	defer srv.Close()
	offset.Store(0)

	// Serve the fake, with counters, on a loopback port the workers reach.
	var cnt counter
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: cnt.wrap(srv), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(l)
	defer hs.Close()
	api := "http://" + l.Addr().String()

	recipient := srv.ContactID("fleet_fan")
	srv.SimulateIncomingMessage(recipient, "hello") // opens the 24-hour window

	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	base := []string{"-worker", "-fleet-size", strconv.Itoa(n), "-api", api, "-worker-redis", redisAddr,
		"-account", srv.UserID, "-recipient", recipient, "-secret", srv.AppSecret}

	type proc struct {
		cmd   *exec.Cmd
		start io.WriteCloser
		ready chan string
		done  chan error
	}
	spawn := func(id int, extra ...string) (*proc, error) {
		args := append(append([]string{}, base...), append([]string{"-id", strconv.Itoa(id)}, extra...)...)
		cmd := exec.Command(self, args...)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		in, err := cmd.StdinPipe()
		if err != nil {
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		p := &proc{cmd: cmd, start: in, ready: make(chan string, 1), done: make(chan error, 1)}
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if addr, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
					p.ready <- addr
				}
			}
			p.done <- cmd.Wait()
		}()
		return p, nil
	}
	procs := make([]*proc, n)
	for i := range n {
		var extra []string
		if i == 0 {
			extra = []string{"-kill"}
		}
		if procs[i], err = spawn(i, extra...); err != nil {
			return nil, err
		}
	}
	addrs := make([]string, n)
	for i, p := range procs {
		select {
		case addrs[i] = <-p.ready:
		case err := <-p.done:
			return nil, fmt.Errorf("worker %d ended before it was ready: %v", i, err)
		case <-time.After(30 * time.Second):
			return nil, fmt.Errorf("worker %d did not start", i)
		}
	}

	// The same webhook deliveries go to every replica, at once.
	deliveries := deliverWebhooks(addrs, srv.UserID, srv.AppSecret)

	// Every worker is up and the webhook burst is over: the workload
	// starts, for all workers at once, shortly after they hear of it, so
	// that the starting processes and the deliveries do not delay the
	// first paced calls (late calls would bunch up with the ones after
	// them, over the messaging limit).
	//
	// The timeline: the token becomes due for refresh a second in and
	// expires refreshAhead later; the publishes start at a third of the
	// run, and not before that expiry, when the refresh is over (the
	// killed worker dies then: killed while refreshing, it would leave the
	// fleet a refresh it cannot see, a token Meta issued and nobody saved).
	runStart := time.Now().Add(500 * time.Millisecond)
	until := runStart.Add(duration)
	expiry := runStart.Add(refreshDue + refreshAhead)
	publishAt := runStart.Add(max(duration/3, refreshDue+refreshAhead))
	offset.Store(int64(-25 * time.Hour))
	tokenValue := srv.IssueToken(25*time.Hour + time.Until(expiry))
	issued := clock()
	offset.Store(0)
	tok := &instagram.Token{AccessToken: tokenValue, TokenType: "bearer", UserID: srv.UserID,
		Expiry: expiry, IssuedAt: issued}
	if err := redisstore.NewTokenStore(rdb, prefix, tokenName).Save(ctx, tok); err != nil {
		return nil, err
	}
	startLine := fmt.Sprintf("start %d %d %d\n", runStart.UnixMilli(), until.UnixMilli(), publishAt.UnixMilli())
	for _, p := range procs {
		if _, err := io.WriteString(p.start, startLine); err != nil {
			return nil, fmt.Errorf("starting a worker: %w", err)
		}
	}

	// Wait for the workers; the one that dies after creating its container
	// is replaced by a new process that publishes the rest of its posts.
	res := &Result{Workers: n, WebhookDistinctEvents: webhookCount, WebhookDeliveries: deliveries,
		PublishesRequested: n * publishesPer}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, p := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := <-p.done
			for {
				var ee *exec.ExitError
				if errors.As(err, &ee) && ee.ExitCode() == killExitCode {
					mu.Lock()
					res.WorkersKilled++
					mu.Unlock()
					np, serr := spawn(i, "-publish-from", "1")
					if serr == nil {
						_, serr = io.WriteString(np.start, startLine)
					}
					if serr != nil {
						err = serr
						break
					}
					err = <-np.done
					continue
				}
				break
			}
			if err != nil {
				mu.Lock()
				res.WorkerErrors++
				mu.Unlock()
				fmt.Fprintf(os.Stderr, "fleet: worker %d: %v\n", i, err)
			}
		}()
	}
	wg.Wait()

	st := srv.Stats()
	res.Calls = st.Calls
	res.Throttled = st.Throttled
	res.DMsSent = int(cnt.dms.Load())
	res.DMRateLimited = srv.ThrottledMessagingCalls()
	res.Refreshes = int(cnt.refreshes.Load())
	res.WebhookHandled, _ = rdb.Get(ctx, prefix+"stats:handled").Int()

	// Budget use: the full windows between the start of the workload and
	// its end, as a share of the budget.
	full := int(until.Sub(runStart) / budgetWindow)
	hist := st.AppWindowHistory
	var used []int
	for i := len(hist) - 1; i >= 0 && len(used) < full+3; i-- {
		used = append([]int{hist[i]}, used...)
	}
	res.BudgetWindows, res.BudgetUsedPct = budgetUse(used, full)

	// Posts: every requested key must appear exactly once.
	seen := map[string]int{}
	for _, m := range srv.Media() {
		if key, ok := strings.CutPrefix(m.Caption, "fleet post "); ok {
			seen[key]++
		}
	}
	for _, c := range seen {
		res.Posts++
		if c > 1 {
			res.DuplicatePosts += c - 1
		}
	}
	for i := range n {
		for j := range publishesPer {
			if seen[postKey(i, j)] == 0 {
				res.LostPosts++
			}
		}
	}
	res.Seconds = float64(time.Since(started).Milliseconds()) / 1000
	return res, nil
}

// budgetUse picks the busiest run of full windows (the workload's steady
// state, leaving out the windows it started and ended in) and returns them
// with their mean use in percent of the budget.
func budgetUse(hist []int, full int) ([]int, float64) {
	// Leave out the windows at either end, which the workload covers only
	// in part, and idle windows after it.
	for len(hist) > 0 && hist[len(hist)-1] < budgetCalls/10 {
		hist = hist[:len(hist)-1]
	}
	for len(hist) > 0 && hist[0] < budgetCalls/10 {
		hist = hist[1:]
	}
	if len(hist) > 2 {
		hist = hist[1 : len(hist)-1]
	}
	if len(hist) > full {
		hist = hist[len(hist)-full:]
	}
	if len(hist) == 0 {
		return hist, 0
	}
	sum := 0
	for _, c := range hist {
		sum += c
	}
	pct := float64(sum) * 100 / float64(len(hist)*budgetCalls)
	return hist, float64(int(pct*10)) / 10
}

func postKey(worker, n int) string { return fmt.Sprintf("w%d-p%d", worker, n) }

// deliverWebhooks posts each of webhookCount signed comment deliveries to
// every address at the same time and returns how many were sent.
func deliverWebhooks(addrs []string, account, secret string) int {
	var wg sync.WaitGroup
	var sent atomic.Int64
	for e := range webhookCount {
		body, _ := json.Marshal(map[string]any{
			"object": "instagram",
			"entry": []any{map[string]any{
				"id": account, "time": time.Now().Unix(),
				"changes": []any{map[string]any{"field": "comments", "value": map[string]any{
					"id": fmt.Sprintf("1790000000%04d", e), "text": "fleet comment",
					"from":  map[string]any{"id": "1784140000000001", "username": "fleet_fan"},
					"media": map[string]any{"id": "1790000000999999", "media_product_type": "FEED"},
				}}},
			}},
		})
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		sig := "sha256=" + hex.EncodeToString(mac.Sum(nil))
		for _, a := range addrs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodPost, "http://"+a+"/webhook", strings.NewReader(string(body)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Hub-Signature-256", sig)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				sent.Add(1)
			}()
		}
	}
	wg.Wait()
	return int(sent.Load())
}
