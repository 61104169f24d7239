package instagram_test

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/igsdk/instagram"
)

// fuzzRetryAfter are Retry-After values the fuzzer picks from; the last
// slot takes the fuzzer's raw string.
var fuzzRetryAfter = []string{"", "0", "1", "120", "-5", "9000000000", "99999999999999999999", "Wed, 21 Oct 2065 07:28:00 GMT", "soon"}

// fuzzETA are estimated_time_to_regain_access values (minutes).
var fuzzETA = []string{"0", "1", "60", "-3", `"1440"`, "9000000000000000", `"900000000000000000"`, "1e300"}

// FuzzLimitsHeaders feeds sequences of answers (usage headers, throttling
// answers with Retry-After, business estimates, the fake clock moving on)
// through a client, and checks that nothing panics, no refusal asks to
// wait longer than MaxBlock, and the store stays within MaxKeys.
func FuzzLimitsHeaders(f *testing.F) {
	f.Add([]byte{0, 100, 0, 1, 5, 0, 3, 60, 0, 2, 5, 7}, `{"call_volume":100}`)
	f.Add([]byte{1, 6, 0, 1, 8, 0, 2, 5, 1, 2, 6, 2, 3, 255, 0}, "18446744073709551616")
	f.Add([]byte{2, 5, 0, 2, 5, 1, 2, 5, 2, 2, 5, 3, 2, 5, 4, 2, 5, 5, 2, 5, 6, 2, 5, 7, 2, 5, 8, 2, 5, 9}, `{"call_count":"95"}`)
	f.Fuzz(func(t *testing.T, ops []byte, raw string) {
		if len(ops) > 600 {
			ops = ops[:600]
		}
		synctest.Test(t, func(t *testing.T) { runLimitsOps(t, ops, raw) })
	})
}

func runLimitsOps(t *testing.T, ops []byte, raw string) {
	const maxBlock = 2 * time.Hour
	store := &instagram.MemoryLimitStore{MaxKeys: 8}
	var (
		mu     sync.Mutex
		status int
		body   string
		hdr    http.Header
	)
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		return &http.Response{StatusCode: status, Header: hdr.Clone(), Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})
	c, err := instagram.NewClient(
		instagram.WithAccessToken(testToken),
		instagram.WithHTTPClient(&http.Client{Transport: rt}),
		instagram.WithBaseURL(testBase),
		instagram.WithRetryPolicy(instagram.NoRetries),
		instagram.WithLimits(instagram.Limits{MaxBlock: maxBlock, Store: store}),
	)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+2 < len(ops); i += 3 {
		op, a, b := ops[i], int(ops[i+1]), int(ops[i+2])
		account := "178414000000000" + strconv.Itoa(10+b%16)
		h := http.Header{"Content-Type": {"application/json"}}
		st, bd := 200, `{"id":"`+account+`"}`
		switch op % 4 {
		case 0: // usage figures, or the fuzzer's own header
			if a == 255 {
				h.Set("X-App-Usage", raw)
			} else {
				h.Set("X-App-Usage", `{"call_volume":`+strconv.Itoa(a)+`,"cpu_time":`+strconv.Itoa(b)+`}`)
			}
		case 1: // a throttling answer with a Retry-After
			st = 429
			bd = `{"error":{"message":"slow down","type":"OAuthException","code":` + []string{"4", "17", "32", "613", "80002", "80006"}[b%6] + `}}`
			ra := raw
			if a%(len(fuzzRetryAfter)+1) < len(fuzzRetryAfter) {
				ra = fuzzRetryAfter[a%(len(fuzzRetryAfter)+1)]
			}
			if ra != "" {
				h.Set("Retry-After", ra)
			}
		case 2: // a business estimate
			h.Set("X-Business-Use-Case-Usage", `{"`+account+`":[{"type":"instagram","call_count":`+strconv.Itoa(a%120)+`,"estimated_time_to_regain_access":`+fuzzETA[a%len(fuzzETA)]+`}]}`)
		case 3: // time passes
			time.Sleep(time.Duration(a) * time.Duration(b+1) * time.Second)
			continue
		}
		mu.Lock()
		status, body, hdr = st, bd, h
		mu.Unlock()
		_, err := c.Users.Get(t.Context(), account, nil)
		var rl *instagram.RateLimitError
		if errors.As(err, &rl) {
			if rl.RetryAfter > maxBlock || rl.RetryAfter < 0 {
				t.Fatalf("op %d: RetryAfter %s outside [0, MaxBlock %s]: %v", i/3, rl.RetryAfter, maxBlock, err)
			}
		} else if err != nil && st == 200 {
			t.Fatalf("op %d: unexpected error %v", i/3, err)
		}
		budgets, err := store.Budgets(t.Context(), 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(budgets) > 8 {
			t.Fatalf("op %d: %d budgets kept, MaxKeys is 8", i/3, len(budgets))
		}
	}
}
