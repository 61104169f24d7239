package instagram_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/igsdk/instagram"
)

// FuzzEchoedSecretScrubbed: a token echoed at any offset of a long HTML
// error page leaves none of its first 8 bytes in the error.
func FuzzEchoedSecretScrubbed(f *testing.F) {
	f.Add("<html><body><p>upstream error while proxying</p>", uint16(150))
	f.Add("<div class=\"err\">bad gateway</div>\n", uint16(190))
	f.Add("x", uint16(199))
	f.Add("<b>", uint16(0))
	f.Fuzz(func(t *testing.T, filler string, offset uint16) {
		if filler == "" || strings.Contains(filler, longToken[:8]) {
			return
		}
		page := strings.Repeat(filler, 600/len(filler)+1)
		at := int(offset) % (len(page) + 1)
		body := page[:at] + longToken + page[at:]
		c, mt := newMockClient(t, instagram.WithAccessToken(longToken))
		mt.RegisterNoResponder(httpmock.NewStringResponder(http.StatusBadGateway, body))
		_, err := c.Users.Me(context.Background(), nil)
		if err == nil {
			t.Fatal("no error for a 502")
		}
		if txt := errorText(err); strings.Contains(txt, longToken[:8]) {
			t.Fatalf("the token's start survived at offset %d: %q", at, txt)
		}
	})
}

// FuzzBatchAnswers: any answer to a batch decodes into every service type
// the SDK reads from batches without panicking, and gives one result per
// operation or an error.
func FuzzBatchAnswers(f *testing.F) {
	f.Add(`[{"code":200,"headers":[],"body":"{\"id\":\"1\",\"caption\":\"x\"}"},null]`)
	f.Add(`[{"code":400,"body":"{\"error\":{\"message\":\"bad\",\"code\":100}}"},{"code":200,"body":"{}"}]`)
	f.Add(`[{"code":200,"body":"[1,2]"},{"code":200,"body":"{\"id\":5}"}]`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, answer string) {
		c, mt := newMockClient(t)
		mt.RegisterNoResponder(jsonResponder(200, answer))
		ops := []instagram.BatchOperation{{Method: http.MethodGet, Path: "1"}, {Method: http.MethodGet, Path: "2"}}
		res, err := c.Batch(context.Background(), ops, nil)
		if err == nil && len(res) != len(ops) {
			t.Fatalf("%d results for %d operations", len(res), len(ops))
		}
		_, _ = c.Media.GetMany(context.Background(), []string{"1", "2"}, nil)
	})
}

// FuzzCursorSequences: whatever cursors a server hands out, an iteration
// ends (at the last page, on a repeated cursor or at the page cap) within
// the cap, and never yields an error other than those or the server's.
func FuzzCursorSequences(f *testing.F) {
	f.Add([]byte("ABAB"))
	f.Add([]byte("abcdefgh"))
	f.Add([]byte("aaaa"))
	f.Add([]byte{0, 1, 2, 0})
	f.Add([]byte("abc\x00"))
	f.Fuzz(func(t *testing.T, seq []byte) {
		if len(seq) == 0 {
			return
		}
		const maxPages = 20
		var calls atomic.Int64
		c, mt := newMockClient(t, instagram.WithMaxPages(maxPages))
		mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
			n := int(calls.Add(1)) - 1
			b := seq[n%len(seq)]
			next := ""
			if b != 0 { // 0 ends the edge
				cur := fmt.Sprintf("c%d", b)
				next = fmt.Sprintf(`,"cursors":{"after":%q},"next":"https://graph.test/v25.0/x?after=%s"`, cur, cur)
			}
			return jsonResponder(200, `{"data":[{"id":"1"}],"paging":{"x":1`+next+`}}`)(r)
		})
		var last error
		for _, err := range c.Media.All(context.Background(), "17841400000000000", nil) {
			if err != nil {
				last = err
			}
		}
		if calls.Load() > maxPages {
			t.Fatalf("%d pages fetched, cap %d", calls.Load(), maxPages)
		}
		if last != nil && !errors.Is(last, instagram.ErrPageCycle) && !errors.Is(last, instagram.ErrPageLimit) {
			t.Fatalf("unexpected error %v", last)
		}
	})
}
