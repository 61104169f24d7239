package instagram_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

type progressLog struct {
	mu    sync.Mutex
	calls [][2]int64
}

func (l *progressLog) fn(sent, total int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, [2]int64{sent, total})
}

func (l *progressLog) get() [][2]int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([][2]int64(nil), l.calls...)
}

func TestUploadProgressIsThrottledAndEndsAtTotal(t *testing.T) {
	srv, c := uploadFake(t)
	data := randomBytes(2<<20, 7)
	id := resumableContainer(t, c, srv)
	var log progressLog
	ctx := instagram.WithUploadProgress(context.Background(), time.Hour, log.fn)

	require.NoError(t, c.Media.UploadVideo(ctx, id, bytes.NewReader(data), int64(len(data))))
	calls := log.get()
	require.NotEmpty(t, calls)
	assert.LessOrEqual(t, len(calls), 2, "an hour's interval allows the first and the last report only, not one per write: %v", calls)
	assert.Equal(t, [2]int64{int64(len(data)), int64(len(data))}, calls[len(calls)-1])
}

func TestUploadProgressAfterInterruptionEndsAtTotal(t *testing.T) {
	srv, c := uploadFake(t)
	data := randomBytes(3<<20, 8)
	id := resumableContainer(t, c, srv)
	srv.InjectUploadFailure(1 << 20)
	var log progressLog
	ctx := instagram.WithUploadProgress(context.Background(), time.Hour, log.fn)

	require.NoError(t, c.Media.UploadVideo(ctx, id, bytes.NewReader(data), int64(len(data))))
	calls := log.get()
	require.NotEmpty(t, calls)
	assert.Equal(t, [2]int64{int64(len(data)), int64(len(data))}, calls[len(calls)-1])
}

func TestPublishReelReportsProgress(t *testing.T) {
	srv, c := uploadFake(t)
	data := randomBytes(1<<20, 9)
	var log progressLog
	ctx := instagram.WithUploadProgress(context.Background(), time.Hour, log.fn)
	m, err := c.Media.PublishReel(ctx, srv.UserID, instagram.VideoSource{Reader: bytes.NewReader(data), Size: int64(len(data))},
		&instagram.PublishOptions{Wait: fastWait})
	require.NoError(t, err)
	assert.NotEmpty(t, m.ID)
	calls := log.get()
	require.NotEmpty(t, calls)
	assert.Equal(t, [2]int64{1 << 20, 1 << 20}, calls[len(calls)-1])
}

// slowUpload is an upload host that reads the body in 100-byte pieces,
// 100 ms apart, on the bubble's clock.
type slowUpload struct{}

func (slowUpload) RoundTrip(r *http.Request) (*http.Response, error) {
	buf := make([]byte, 100)
	for {
		_, err := io.ReadFull(r.Body, buf)
		if err != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = r.Body.Close()
	return &http.Response{
		StatusCode: http.StatusOK, Request: r,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   io.NopCloser(strings.NewReader(`{"success":true,"message":"Upload successful."}`)),
	}, nil
}

func TestUploadProgressInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, err := instagram.NewClient(instagram.WithAccessToken("IGAAtesttoken"), instagram.WithPlatform(instagram.FacebookLogin),
			instagram.WithHTTPClient(&http.Client{Transport: slowUpload{}}))
		require.NoError(t, err)
		var log progressLog
		ctx := instagram.WithUploadProgress(context.Background(), 250*time.Millisecond, log.fn)
		// 1,000 bytes in ten pieces take one second: reports at about
		// 0, 250, 500 and 750 ms, and the last one at the end.
		require.NoError(t, c.Media.UploadVideo(ctx, "17900000000000001", bytes.NewReader(make([]byte, 1000)), 1000))
		calls := log.get()
		assert.GreaterOrEqual(t, len(calls), 4)
		assert.LessOrEqual(t, len(calls), 6, "%v", calls)
		for i := 1; i < len(calls); i++ {
			assert.GreaterOrEqual(t, calls[i][0], calls[i-1][0], "never moves back without an interruption")
		}
		assert.Equal(t, [2]int64{1000, 1000}, calls[len(calls)-1])
	})
}

// BenchmarkUploadProgress compares a 4 MiB resumable upload to the fake
// with and without a progress callback.
func BenchmarkUploadProgress(b *testing.B) {
	data := randomBytes(4<<20, 11)
	for _, name := range []string{"none", "callback"} {
		b.Run(name, func(b *testing.B) {
			srv, c := publishFake(b)
			ctx := context.Background()
			if name == "callback" {
				ctx = instagram.WithUploadProgress(ctx, 10*time.Millisecond, func(int64, int64) {})
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				ct, err := c.Media.CreateContainer(context.Background(), srv.UserID, &instagram.ContainerOptions{MediaType: instagram.ContainerReels, UploadType: "resumable"})
				if err != nil {
					b.Fatal(err)
				}
				if err := c.Media.UploadVideo(ctx, ct.ID, bytes.NewReader(data), int64(len(data))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
