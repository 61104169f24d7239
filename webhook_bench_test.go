package instagram_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/igsdk/instagram"
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
	sig := instagram.SignWebhook(body, whSecret)
	events, err := instagram.ParseWebhookBody(body, sig, whSecret)
	if err != nil {
		b.Fatal(err)
	}
	per := len(events)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := instagram.ParseWebhookBody(body, sig, whSecret); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkWebhookVerifyDecode measures signature check plus typed
// decoding, without HTTP.
func BenchmarkWebhookVerifyDecode(b *testing.B) {
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

// BenchmarkWebhookHandler measures a whole POST through the handler, with
// a registered function.
func BenchmarkWebhookHandler(b *testing.B) {
	body := bigBatch(20)
	sig := instagram.SignWebhook(body, whSecret)
	h := instagram.NewWebhookHandler(whSecret)
	h.OnComment(func(context.Context, *instagram.CommentEvent) error { return nil })
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		r.Header.Set(instagram.SignatureHeader, sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
	b.ReportMetric(float64(b.N*20)/b.Elapsed().Seconds(), "events/s")
}
