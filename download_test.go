package instagram_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
)

func TestDownloadMediaFromFakeCDN(t *testing.T) {
	srv, c := publishFake(t)
	ctx := context.Background()
	var img, vid *instagram.Media
	for _, m := range srv.Media() {
		got, err := c.Media.Get(ctx, m.ID, &instagram.GetOptions{Fields: []string{"media_type", "media_url"}})
		require.NoError(t, err)
		switch {
		case got.MediaType == instagram.MediaTypeImage && img == nil:
			img = got
		case got.MediaType == instagram.MediaTypeVideo && vid == nil:
			vid = got
		}
	}
	require.NotNil(t, img)
	require.NotNil(t, vid)

	var b bytes.Buffer
	res, err := c.Download(ctx, img.MediaURL, &b, nil)
	require.NoError(t, err)
	assert.Equal(t, "image/jpeg", res.ContentType)
	assert.Equal(t, int64(b.Len()), res.Bytes)
	assert.Equal(t, []byte{0xff, 0xd8}, b.Bytes()[:2], "a JPEG")

	b.Reset()
	_, err = c.Download(ctx, vid.MediaURL, &b, &instagram.DownloadOptions{ContentTypes: []string{"image/"}})
	assert.ErrorIs(t, err, instagram.ErrContentType)
	assert.Zero(t, b.Len(), "nothing written before the type is checked")

	b.Reset()
	_, err = c.Download(ctx, img.MediaURL, &b, &instagram.DownloadOptions{MaxBytes: 10})
	assert.ErrorIs(t, err, instagram.ErrDownloadTooLarge)
	assert.LessOrEqual(t, b.Len(), 10)

	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/cdn/") {
			assert.Empty(t, r.Header.Get("Authorization"), "no token goes to the CDN")
		}
	}
}

func TestDownloadExpiredSignedURL(t *testing.T) {
	var sawAuth bool
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawAuth = sawAuth || r.Header.Get("Authorization") != "" || r.URL.Query().Has("access_token")
		switch r.URL.Path {
		case "/expired.jpg":
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte("URL signature expired"))
		case "/chunked.mp4":
			w.Header().Set("Content-Type", "video/mp4")
			for range 4 {
				_, _ = w.Write(make([]byte, 100))
				w.(http.Flusher).Flush()
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(cdn.Close)
	c, err := instagram.NewClient(instagram.WithAccessToken("IGAAsecrettoken1"))
	require.NoError(t, err)
	ctx := context.Background()

	var b bytes.Buffer
	_, err = c.Download(ctx, cdn.URL+"/expired.jpg?oh=00_sig&oe=65F0A1B2", &b, nil)
	require.ErrorIs(t, err, instagram.ErrURLExpired)
	var de *instagram.DownloadError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, http.StatusForbidden, de.StatusCode)
	assert.NotContains(t, err.Error(), "00_sig", "the signature stays out of errors")
	assert.Contains(t, err.Error(), "URL signature expired")

	_, err = c.Download(ctx, cdn.URL+"/missing.jpg", &b, nil)
	require.ErrorAs(t, err, &de)
	assert.NotErrorIs(t, err, instagram.ErrURLExpired)
	assert.Equal(t, http.StatusNotFound, de.StatusCode)

	// Without a Content-Length the cap is found while streaming.
	_, err = c.Download(ctx, cdn.URL+"/chunked.mp4", &b, &instagram.DownloadOptions{MaxBytes: 399})
	assert.ErrorIs(t, err, instagram.ErrDownloadTooLarge)
	b.Reset()
	res, err := c.Download(ctx, cdn.URL+"/chunked.mp4", &b, &instagram.DownloadOptions{MaxBytes: 400})
	require.NoError(t, err)
	assert.Equal(t, int64(400), res.Bytes)
	assert.False(t, sawAuth, "no token goes to the CDN")

	//nolint:staticcheck // a nil context is the case under test
	_, err = c.Download(nil, cdn.URL+"/chunked.mp4", &b, nil) //lint:ignore SA1012 nil ctx is tested
	assert.ErrorIs(t, err, instagram.ErrValidation)
	_, err = c.Download(ctx, "ftp://x/y", &b, nil)
	assert.ErrorIs(t, err, instagram.ErrValidation)
}
