package instagram_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/igsdk/instagram"
)

// FuzzFileTokenStoreLoad: any file content loads as a token with an access
// token, which saves and loads back the same, or fails with
// ErrCorruptTokenFile; nothing panics.
func FuzzFileTokenStoreLoad(f *testing.F) {
	f.Add([]byte(`{"access_token":"IGAAx","user_id":"1","expiry":"2026-03-03T03:04:05Z"}`))
	f.Add([]byte(`{"access_token":"IGAAx"`))
	f.Add([]byte(`{"access_token":""}`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))
	f.Add([]byte(`{"access_token":"IGAAx","expiry":"not a time"}`))
	f.Add([]byte(`{"access_token":"IGAAx","permissions":["a",""]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "token.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		store := instagram.FileTokenStore{Path: path}
		tok, err := store.Load(context.Background())
		if err != nil {
			if !errors.Is(err, instagram.ErrCorruptTokenFile) {
				t.Fatalf("error %v does not match ErrCorruptTokenFile", err)
			}
			return
		}
		if tok == nil || tok.AccessToken == "" {
			t.Fatalf("loaded %v without an access token", tok)
		}
		if err := store.Save(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
		again, err := store.Load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if again.AccessToken != tok.AccessToken || !again.Expiry.Equal(tok.Expiry) || again.UserID != tok.UserID {
			t.Fatalf("save/load changed the token: %+v vs %+v", tok, again)
		}
	})
}

// FuzzUploadResumeOffset: whatever the container's status says about the
// bytes the upload host holds, a resumed upload never sends an offset
// outside the file, and UploadOffset never reports a negative one.
func FuzzUploadResumeOffset(f *testing.F) {
	f.Add([]byte(`{"id":"1","video_status":{"uploading_phase":{"status":"in_progress","bytes_transferred":4}}}`))
	f.Add([]byte(`{"id":"1","video_status":{"uploading_phase":{"bytes_transferred":-3}}}`))
	f.Add([]byte(`{"id":"1","video_status":{"uploading_phase":{"bytes_transferred":99999999999}}}`))
	f.Add([]byte(`{"id":"1","video_status":{"uploading_phase":null}}`))
	f.Add([]byte(`{"id":"1","video_status":{"uploading_phase":{"bytes_transferred":"7"}}}`))
	f.Add([]byte(`not json`))
	const size = 10
	f.Fuzz(func(t *testing.T, status []byte) {
		var mu sync.Mutex
		var offsets []string
		posts := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				_, _ = io.Copy(io.Discard, r.Body)
				mu.Lock()
				offsets = append(offsets, r.Header.Get("offset"))
				posts++
				first := posts == 1
				mu.Unlock()
				if first {
					w.WriteHeader(http.StatusInternalServerError)
					_, _ = w.Write([]byte(`{"debug_info":{"retriable":true,"type":"ServerError","message":"try again"}}`))
					return
				}
				_, _ = w.Write([]byte(`{"success":true,"message":"Upload successful."}`))
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(status)
		}))
		defer srv.Close()
		c, err := instagram.NewClient(instagram.WithBaseURL(srv.URL), instagram.WithUploadURL(srv.URL),
			instagram.WithAccessToken("IGAAfuzz"),
			instagram.WithRetryPolicy(instagram.RetryPolicy{MaxAttempts: 1, BaseDelay: time.Microsecond, MaxDelay: time.Microsecond}))
		if err != nil {
			t.Fatal(err)
		}
		off, err := c.Media.UploadOffset(context.Background(), "17900000000000001")
		if err == nil && off < 0 {
			t.Fatalf("negative offset %d", off)
		}
		_ = c.Media.UploadVideo(context.Background(), "17900000000000001", bytes.NewReader(make([]byte, size)), size)
		mu.Lock()
		defer mu.Unlock()
		for _, o := range offsets {
			n, err := strconv.ParseInt(o, 10, 64)
			if err != nil || n < 0 || n >= size {
				t.Fatalf("upload sent offset %q for a %d-byte file", o, size)
			}
		}
	})
}
