package instagram_test

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

// blockedBusiness is the one account manyBusinessesClient's answers say
// is throttled for an hour.
const blockedBusiness = "17841400000000001"

// manyBusinessesClient returns a client whose every answer names the id
// of the call as its business in X-Business-Use-Case-Usage, as answers on
// as many accounts would.
func manyBusinessesClient(tb testing.TB, opts ...instagram.Option) *instagram.Client {
	tb.Helper()
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		h.Set("X-App-Usage", `{"call_volume":3,"cpu_time":2}`)
		eta := "0"
		if id == blockedBusiness {
			eta = "60"
		}
		h.Set("X-Business-Use-Case-Usage", `{"`+id+`":[{"type":"instagram","call_count":12,"total_cputime":3,"total_time":4,"estimated_time_to_regain_access":`+eta+`}]}`)
		return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader(`{"id":"` + id + `"}`)), Request: r}, nil
	})
	c, err := instagram.NewClient(append([]instagram.Option{
		instagram.WithAccessToken(testToken),
		instagram.WithHTTPClient(&http.Client{Transport: rt}),
		instagram.WithBaseURL(testBase),
	}, opts...)...)
	require.NoError(tb, err)
	return c
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestLimitsMemoryBounded calls a default client on many distinct ids,
// each answer naming a business of its own, in two rounds of manyCalls,
// the first already past the default store's 10,000 keys. Bounded memory
// shows as a heap that stops growing: the second round must add well
// under the ~140 bytes per business that keeping every one costs
// (measured with an unbounded MemoryLimitStore: 2.7 MiB over 20,000).
func TestLimitsMemoryBounded(t *testing.T) {
	c := manyBusinessesClient(t)
	ctx := context.Background()
	call := func(i int) {
		_, err := c.Media.Get(ctx, strconv.Itoa(1_000_000_000+i), nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 100 {
		call(i)
	}
	_, err := c.Users.Get(ctx, blockedBusiness, nil)
	require.NoError(t, err)
	before := heapAfterGC()
	for i := range manyCalls {
		call(i)
	}
	mid := heapAfterGC()
	for i := range manyCalls {
		call(manyCalls + i)
	}
	after := heapAfterGC()
	growth, second := int64(after)-int64(before), int64(after)-int64(mid)
	t.Logf("%d calls on distinct ids and businesses: heap %+.2f MiB, %+.2f MiB of it in the second %d", 2*manyCalls, float64(growth)/(1<<20), float64(second)/(1<<20), manyCalls)
	require.Less(t, growth, int64(6<<20), "the limits system's memory is bounded")
	require.Less(t, second, int64(1<<20), "the heap keeps growing with the businesses seen")
	_, err = c.Users.Get(ctx, blockedBusiness, nil)
	var rl *instagram.RateLimitError
	require.ErrorAs(t, err, &rl, "pruning kept the one budget that blocks")
	require.Equal(t, blockedBusiness, rl.BusinessID)
	u := c.Usage()
	require.Len(t, u.Business, 1, "Usage keeps the latest answer's businesses only")
	runtime.KeepAlive(c)
}

func BenchmarkUsageAfterManyBusinesses(b *testing.B) {
	c := manyBusinessesClient(b)
	ctx := context.Background()
	for i := range 100_000 {
		if _, err := c.Media.Get(ctx, strconv.Itoa(1_000_000_000+i), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if u := c.Usage(); u.App == nil {
			b.Fatal("no usage")
		}
	}
}

// BenchmarkLimitsMemory200k reports the heap a default client keeps
// after calls on 200,000 distinct ids whose answers each name a business
// of their own (heap-MiB, after GC, against the heap before the calls).
func BenchmarkLimitsMemory200k(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		c := manyBusinessesClient(b)
		before := heapAfterGC()
		for i := range 200_000 {
			if _, err := c.Media.Get(ctx, strconv.Itoa(1_000_000_000+i), nil); err != nil {
				b.Fatal(err)
			}
		}
		after := heapAfterGC()
		b.ReportMetric(float64(int64(after)-int64(before))/(1<<20), "heap-MiB")
		runtime.KeepAlive(c)
	}
}
