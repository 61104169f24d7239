package instagram_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/igsdk/instagram"
)

// mediaPageBody builds a realistic page of n media in Meta's wire format.
func mediaPageBody(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"data":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"1789%013d","caption":"Morning light over the harbour #%d #sea","media_type":"IMAGE","media_product_type":"FEED","media_url":"https://scontent.cdninstagram.com/v/t51.29350-15/%d_n.jpg?stp=dst-jpg&_nc_cat=1","permalink":"https://www.instagram.com/p/C%08dxyz/","shortcode":"C%08dxyz","timestamp":"2025-06-%02dT08:15:00+0000","username":"harbourlight","like_count":%d,"comments_count":%d,"is_comment_enabled":true}`,
			i, i, i, i, i, i%28+1, i*7, i%5)
	}
	b.WriteString(`],"paging":{"cursors":{"before":"QVFIUmx1","after":"QVFIUkZA"},"next":"https://graph.instagram.com/v25.0/17841400000000001/media?access_token=x&limit=25&after=QVFIUkZA"}}`)
	return []byte(b.String())
}

// benchServer answers every request with body and typical Meta headers.
func benchServer(b *testing.B, body []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=UTF-8")
		h.Set("X-App-Usage", `{"call_count":3,"total_cputime":1,"total_time":2}`)
		h.Set("X-Business-Use-Case-Usage", `{"17841400000000001":[{"type":"instagram","call_count":1,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0}]}`)
		w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

const benchFields = "id,caption,media_type,media_product_type,media_url,permalink,shortcode,thumbnail_url,timestamp,username,like_count,comments_count,is_comment_enabled"

// BenchmarkMediaPage compares one 25-item media page fetched through the SDK
// with the same request made with net/http and encoding/json into the same
// struct, on the same local server, in one run. Compare the two sub-results
// (ns/op and allocs/op) as a ratio.
func BenchmarkMediaPage(b *testing.B) {
	srv := benchServer(b, mediaPageBody(25))
	ctx := context.Background()

	b.Run("impl=raw", func(b *testing.B) {
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
		u := srv.URL + "/v25.0/17841400000000001/media?fields=" + benchFields + "&limit=25"
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+testToken)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var page instagram.Page[instagram.Media]
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil || len(page.Data) != 25 {
				b.Fatal(err, len(page.Data))
			}
		}
	})

	b.Run("impl=sdk", func(b *testing.B) {
		c, err := instagram.NewClient(instagram.WithAccessToken(testToken), instagram.WithBaseURL(srv.URL),
			instagram.WithHTTPClient(&http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}))
		if err != nil {
			b.Fatal(err)
		}
		opts := &instagram.ListOptions{Limit: 25}
		b.ReportAllocs()
		for b.Loop() {
			page, err := c.Media.List(ctx, "17841400000000001", opts)
			if err != nil || len(page.Data) != 25 {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodeMediaPage100 measures decoding a 100-item page.
func BenchmarkDecodeMediaPage100(b *testing.B) {
	body := mediaPageBody(100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var page instagram.Page[instagram.Media]
		if err := json.Unmarshal(body, &page); err != nil || len(page.Data) != 100 {
			b.Fatal(err)
		}
	}
}
