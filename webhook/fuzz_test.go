package webhook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/igsdk/instagram/webhook"
)

// addFixtures seeds f with every delivery of testdata/webhooks: at least
// one per event kind (TestFixturesCoverEveryKind checks that).
func addFixtures(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "webhooks", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzWebhook: a delivery signed with the right secret decodes or fails
// cleanly; the same body with any other signature is always refused.
func FuzzWebhook(f *testing.F) {
	addFixtures(f)
	f.Add([]byte(`{"object":"instagram","entry":[{"id":"1","time":1,"changes":[{"field":"comments","value":{"id":"2","text":"hi"}}]}]}`))
	f.Add([]byte(`{"object":"instagram","entry":[{"id":"1","messaging":[{"sender":{"id":"3"},"recipient":{"id":"1"},"timestamp":1,"message":{"mid":"m","text":"x"}}]}]}`))
	f.Add([]byte(`{"entry":null}`))
	const secret = "fuzzsecret"
	f.Fuzz(func(t *testing.T, body []byte) {
		sig := webhook.Sign(body, secret)
		events, err := webhook.ParseBody(body, sig, secret)
		if err == nil {
			for _, e := range events {
				_ = e.Kind()
				_ = e.DedupKey()
			}
		} else if errors.Is(err, webhook.ErrSignatureInvalid) || errors.Is(err, webhook.ErrSignatureMissing) {
			t.Fatalf("a correct signature was refused: %v", err)
		}
		if _, err := webhook.ParseBody(body, sig[:len(sig)-1]+"0", secret); err == nil && !strings.HasSuffix(sig, "0") {
			t.Fatal("a wrong signature was accepted")
		}
		if _, err := webhook.ParseBody(body, "", secret); err == nil {
			t.Fatal("a missing signature was accepted")
		}
	})
}

// FuzzDecodeKinds: any body decodes to typed events or fails with
// ErrMalformed; every event has a known kind, an entry, the raw JSON it
// came from and a stable DedupKey, and decoding twice gives the same keys.
func FuzzDecodeKinds(f *testing.F) {
	addFixtures(f)
	known := map[webhook.EventKind]bool{}
	for _, k := range []webhook.EventKind{webhook.EventComment, webhook.EventLiveComment, webhook.EventMention,
		webhook.EventStoryInsights, webhook.EventMessage, webhook.EventMessageEcho, webhook.EventMessageEdit,
		webhook.EventReaction, webhook.EventPostback, webhook.EventOptin, webhook.EventReferral,
		webhook.EventSeen, webhook.EventHandover, webhook.EventUnknown} {
		known[k] = true
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := webhook.Decode(body)
		if err != nil {
			if !errors.Is(err, webhook.ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", err)
			}
			if events != nil {
				t.Fatal("events with an error")
			}
			return
		}
		again, err := webhook.Decode(body)
		if err != nil || len(again) != len(events) {
			t.Fatalf("second decode differs: %v, %d vs %d events", err, len(again), len(events))
		}
		for i, e := range events {
			if !known[e.Kind()] {
				t.Fatalf("event %d has kind %q", i, e.Kind())
			}
			base := e.Base()
			if base == nil {
				t.Fatalf("event %d has no entry", i)
			}
			if len(base.Raw) > 0 && !json.Valid(base.Raw) {
				t.Fatalf("event %d keeps invalid raw JSON %q", i, base.Raw)
			}
			k := e.DedupKey()
			if k == "" || k != again[i].DedupKey() {
				t.Fatalf("event %d: unstable or empty key %q / %q", i, k, again[i].DedupKey())
			}
			if _, err := json.Marshal(e); err != nil {
				t.Fatalf("event %d does not marshal: %v", i, err)
			}
		}
	})
}

// FuzzSignatureHeaders: whatever signature headers a delivery carries
// (sha256 and sha1 present or absent, repeated, malformed, with the name or
// the hex in another case), VerifyHeader accepts it exactly when the
// header it must check carries only the right signature.
func FuzzSignatureHeaders(f *testing.F) {
	f.Add([]byte(`{"object":"instagram","entry":[]}`), "", "", uint8(0b0000001))
	f.Add([]byte(`{"object":"instagram","entry":[]}`), "sha256=00", "sha1=00", uint8(0b0011000))
	f.Add([]byte(`{}`), "sha256=", "sha1=", uint8(0b0000111))
	f.Add([]byte(`{}`), "SHA256=abc", "", uint8(0b1000001))
	f.Add([]byte(`x`), "", "", uint8(0b0101001))
	f.Add([]byte(``), "sha1=zz", "sha256=zz", uint8(0b0110010))
	const secret = "fuzzsecret"
	f.Fuzz(func(t *testing.T, body []byte, v256, v1 string, flags uint8) {
		good256, good1 := webhook.Sign(body, secret), webhook.SignSHA1(body, secret)
		if flags&64 != 0 {
			good256, good1 = strings.ToUpper(good256), strings.ToUpper(good1)
		}
		h := http.Header{}
		add := func(name, v string) {
			if v == "" {
				return
			}
			if flags&32 != 0 {
				// A name in another case, as a raw map key (net/http
				// canonicalises names it reads from the wire).
				name = strings.ToLower(name)
				h[name] = append(h[name], v)
				return
			}
			h.Add(name, v)
		}
		s256 := v256
		if flags&1 != 0 {
			s256 = good256
		}
		add(webhook.SignatureHeader, s256)
		if flags&2 != 0 {
			add(webhook.SignatureHeader, s256)
		}
		if flags&4 != 0 {
			add(webhook.SignatureHeader, v256)
		}
		s1 := v1
		if flags&8 != 0 {
			s1 = good1
		}
		add(webhook.LegacySignatureHeader, s1)
		allow := flags&16 != 0

		// The oracle: which values are checked, and must all be right.
		right := func(vs []string, want string) bool {
			for _, v := range vs {
				if v != want {
					return false
				}
			}
			return len(vs) > 0
		}
		v256s, v1s := h.Values(webhook.SignatureHeader), h.Values(webhook.LegacySignatureHeader)
		wantOK := false
		switch {
		case len(v256s) > 0:
			wantOK = right(v256s, webhook.Sign(body, secret))
		case allow && len(v1s) > 0:
			wantOK = right(v1s, webhook.SignSHA1(body, secret))
		}
		wantMissing := len(v256s) == 0 && (!allow || len(v1s) == 0)

		err := webhook.VerifyHeader(h, body, secret, webhook.SignatureOptions{AllowSHA1: allow})
		switch {
		case wantOK && err != nil:
			t.Fatalf("right signature refused: %v (headers %q)", err, h)
		case !wantOK && err == nil:
			t.Fatalf("wrong signature accepted (headers %q)", h)
		case err != nil && errors.Is(err, webhook.ErrSignatureMissing) != wantMissing:
			t.Fatalf("missing=%v but error %v (headers %q)", wantMissing, err, h)
		case err != nil && !wantMissing && !errors.Is(err, webhook.ErrSignatureInvalid):
			t.Fatalf("error %v is neither missing nor invalid", err)
		}

		// Parse agrees with VerifyHeader and never runs past a refusal.
		r, _ := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header = h
		_, perr := webhook.Parse(r, secret, webhook.ParseOptions{SignatureOptions: webhook.SignatureOptions{AllowSHA1: allow}})
		if (err == nil) != (perr == nil || errors.Is(perr, webhook.ErrMalformed)) {
			t.Fatalf("Parse: %v, VerifyHeader: %v", perr, err)
		}
	})
}
