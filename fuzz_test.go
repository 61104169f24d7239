package instagram_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/igsdk/instagram"
)

// addFixtures seeds a fuzz target with every file of a testdata folder.
func addFixtures(f *testing.F, dir string) {
	files, _ := filepath.Glob(filepath.Join("testdata", dir, "*"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
}

// FuzzParseErrorBody: any bytes make an *Error without panicking, with
// valid UTF-8 text of bounded size and no credential in its text.
func FuzzParseErrorBody(f *testing.F) {
	addFixtures(f, "errors")
	f.Add([]byte(`{"error":"invalid_request","error_description":"access_token=abc123"}`))
	f.Add([]byte(`{"error":{"code":"x","error_subcode":1e400}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		e := instagram.ParseErrorBody(500, body)
		if e == nil {
			t.Fatal("nil error")
		}
		msg := e.Error()
		if !utf8.ValidString(e.Body) {
			t.Fatalf("invalid UTF-8 excerpt %q", e.Body)
		}
		if len(e.Body) > 210 {
			t.Fatalf("excerpt of %d bytes", len(e.Body))
		}
		// Every access_token= in the text is followed by nothing (an
		// empty value carries no secret), a separator, or REDACTED.
		lower := strings.ToLower(msg)
		for off := 0; ; {
			i := strings.Index(lower[off:], "access_token=")
			if i < 0 {
				break
			}
			rest := msg[off+i+len("access_token="):]
			if rest != "" && !strings.ContainsAny(rest[:1], "&\t\n\f\r \"'<>") && !strings.HasPrefix(rest, "REDACTED") {
				t.Fatalf("token value in %q", msg)
			}
			off += i + 1
		}
		_ = instagram.IsRetryable(e)
	})
}

// FuzzParseUsage: malformed usage headers never panic and never produce
// half-filled values.
func FuzzParseUsage(f *testing.F) {
	f.Add(`{"call_count":28,"total_time":25,"total_cputime":25}`, `{"1":[{"type":"instagram","call_count":100,"estimated_time_to_regain_access":19}]}`, "5000", "4999")
	f.Add(`{"call_count":"7"}`, `{"1":{}}`, "x", "")
	f.Add(`[]`, `null`, "-1", "99999999999999999999")
	f.Fuzz(func(t *testing.T, app, buc, limit, remaining string) {
		h := http.Header{}
		h.Set("X-App-Usage", app)
		h.Set("X-Business-Use-Case-Usage", buc)
		h.Set("X-Ratelimit-Limit", limit)
		h.Set("X-Ratelimit-Remaining", remaining)
		u, _ := instagram.ParseUsage(h)
		if u.Legacy != nil && (u.Legacy.Limit < 0 || u.Legacy.Remaining < 0) {
			t.Fatalf("negative legacy usage %+v", u.Legacy)
		}
		for id, entries := range u.Business {
			if entries == nil && id == "" {
				continue
			}
		}
	})
}

// FuzzTime: timestamps in any shape decode or fail cleanly, and what
// decodes survives a round trip at second precision.
func FuzzTime(f *testing.F) {
	for _, s := range []string{`"2024-05-01T12:00:00+0000"`, `"2024-05-01T12:00:00Z"`, `1714564800`, `"1714564800"`, `1714564800123`, `null`, `""`, `"\u0032024-05-01"`, `1e300`, `-1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var tm instagram.Time
		if err := json.Unmarshal(b, &tm); err != nil {
			return
		}
		if tm.IsZero() || tm.Year() < 1 || tm.Year() > 9999 {
			return // outside what Meta's layout can write
		}
		out, err := json.Marshal(tm)
		if err != nil {
			t.Fatalf("marshal %v: %v", tm, err)
		}
		var back instagram.Time
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("round trip of %s: %v", out, err)
		}
		if !back.Equal(tm.Truncate(1e9)) {
			t.Fatalf("round trip %v -> %s -> %v", tm, out, back)
		}
	})
}

// FuzzPageEnvelope: any answer body decodes into a page or fails cleanly,
// and IDs keep their digits.
func FuzzPageEnvelope(f *testing.F) {
	f.Add([]byte(`{"data":[{"id":"1","timestamp":"2024-05-01T12:00:00+0000","owner":{"id":"2"}}],"paging":{"cursors":{"before":"a","after":"b"},"next":"https://x/?access_token=t&after=b"}}`))
	f.Add([]byte(`{"data":null,"paging":null}`))
	f.Add([]byte(`{"data":[{"id":1,"ig_id":27640875392278831}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var page instagram.Page[instagram.Media]
		if err := json.Unmarshal(b, &page); err != nil {
			return
		}
		_ = page.HasNext()
		var u instagram.User
		_ = json.Unmarshal(b, &u)
	})
}
