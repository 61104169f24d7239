package webhook_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/igsdk/instagram/webhook"
)

// bigBatch is a delivery of n comment changes, like the batches Meta sends
// to busy accounts.
func bigBatch(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"object":"instagram","entry":[{"id":"17841463720011512","time":1746107000,"changes":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"field":"comments","value":{"from":{"id":"61204833755%05d","username":"fan_%d"},"media":{"id":"18052217733190584","media_product_type":"FEED"},"id":"18100022233%06d","text":"comment number %d \ud83c\udf5e"}}`, i, i, i, i)
	}
	b.WriteString(`]}]}`)
	return []byte(b.String())
}

func benchVerifyDecode(b *testing.B, body []byte) {
	sig := webhook.Sign(body, whSecret)
	events, err := webhook.ParseBody(body, sig, whSecret)
	if err != nil {
		b.Fatal(err)
	}
	per := len(events)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := webhook.ParseBody(body, sig, whSecret); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkVerifyDecode measures signature check plus typed
// decoding, without HTTP.
func BenchmarkVerifyDecode(b *testing.B) {
	for _, c := range []struct {
		name string
		body []byte
	}{
		{"message", fixture(b, "webhooks/messages.json")},
		{"mixed-batch", fixture(b, "webhooks/batch.json")},
		{"100-comments", bigBatch(100)},
	} {
		b.Run(c.name, func(b *testing.B) { benchVerifyDecode(b, c.body) })
	}
}

// BenchmarkHandler measures a whole POST through the handler, with
// a registered function.
func BenchmarkHandler(b *testing.B) {
	body := bigBatch(20)
	sig := webhook.Sign(body, whSecret)
	h := webhook.NewHandler(whSecret, webhook.Options{})
	h.OnComment(func(context.Context, *webhook.CommentEvent) error { return nil })
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		r.Header.Set(webhook.SignatureHeader, sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
	b.ReportMetric(float64(b.N*20)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkHandlerDedup is BenchmarkHandler with a MemoryDedup: each
// delivery holds new events, so every one is claimed and committed.
func BenchmarkHandlerDedup(b *testing.B) {
	h := webhook.NewHandler(whSecret, webhook.Options{Dedup: &webhook.MemoryDedup{}})
	h.OnComment(func(context.Context, *webhook.CommentEvent) error { return nil })
	bodies := make([][]byte, 64)
	for i := range bodies {
		bodies[i] = bytes.ReplaceAll(bigBatch(20), []byte(`"id":"18100022233`), fmt.Appendf(nil, `"id":"%02d18100022233`, i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body := bodies[i%len(bodies)]
		if i%len(bodies) == 0 {
			h = webhook.NewHandler(whSecret, webhook.Options{Dedup: &webhook.MemoryDedup{}})
			h.OnComment(func(context.Context, *webhook.CommentEvent) error { return nil })
		}
		r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		r.Header.Set(webhook.SignatureHeader, webhook.Sign(body, whSecret))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
	b.ReportMetric(float64(b.N*20)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkMemoryDedup measures one Claim and Commit of a new key.
func BenchmarkMemoryDedup(b *testing.B) {
	ctx := context.Background()
	d := &webhook.MemoryDedup{MaxKeys: 10_000}
	keys := make([]string, 1<<16)
	for i := range keys {
		keys[i] = fmt.Sprintf("messages:aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3%08d", i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%len(keys)]
		if r, err := d.Claim(ctx, k, "holder", time.Minute); err != nil || r == webhook.InProgress {
			b.Fatal(r, err)
		}
		if err := d.Commit(ctx, k, "holder", time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}
