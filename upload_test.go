package instagram_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/instagramtest"
)

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// onlyReader hides every method of a reader but Read.
type onlyReader struct{ r io.Reader }

func (o *onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// readerAtOnly offers ReadAt (and Read) but cannot seek.
type readerAtOnly struct {
	*onlyReader
	ra io.ReaderAt
}

func (r readerAtOnly) ReadAt(p []byte, off int64) (int, error) { return r.ra.ReadAt(p, off) }

// uploadFake is a fake with a Facebook Login client: Meta documents
// resumable uploads for Facebook Login only.
func uploadFake(t testing.TB, opts ...instagramtest.Option) (*instagramtest.Server, *instagram.Client) {
	t.Helper()
	srv := instagramtest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := srv.FacebookClient(instagram.WithRetryPolicy(instagram.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}))
	require.NoError(t, err)
	return srv, c
}

func resumableContainer(t *testing.T, c *instagram.Client, srv *instagramtest.Server) string {
	t.Helper()
	ct, err := c.Media.CreateContainer(context.Background(), srv.UserID, &instagram.ContainerOptions{
		MediaType: instagram.ContainerReels, UploadType: "resumable",
	})
	require.NoError(t, err)
	return ct.ID
}

func TestUploadResumesFromServerOffset(t *testing.T) {
	data := randomBytes(3<<20+123, 1)
	cases := map[string]func() io.Reader{
		"seeker":    func() io.Reader { return bytes.NewReader(data) },
		"reader at": func() io.Reader { r := bytes.NewReader(data); return readerAtOnly{&onlyReader{r}, r} },
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			srv, c := uploadFake(t)
			id := resumableContainer(t, c, srv)
			srv.InjectUploadFailure(1 << 20)
			srv.InjectUploadFailure(2<<20 + 7)

			require.NoError(t, c.Media.UploadVideo(context.Background(), id, src(), int64(len(data))))
			ct, ok := srv.Container(id)
			require.True(t, ok)
			assert.Equal(t, int64(len(data)), ct.BytesReceived)
			assert.Equal(t, sha256Hex(data), ct.SHA256, "the pieces add up to the file")

			var offsets []string
			for _, r := range srv.Requests() {
				if r.Method == "POST" && r.Version == "" {
					offsets = append(offsets, r.Header.Get("offset"))
					assert.Equal(t, []string{"REDACTED"}, r.Header["Authorization"])
				}
			}
			assert.Equal(t, []string{"0", "1048576", "2097159"}, offsets, "continues where the server stopped")
			assert.Equal(t, 2, srv.RequestCount("GET", "/"+id), "asks where the server stands after each break")

			m, err := c.Media.PublishContainer(context.Background(), srv.UserID, id, &fastWait)
			require.NoError(t, err)
			assert.Equal(t, instagram.MediaProductTypeReels, m.MediaProductType)
		})
	}
}

func TestUploadFromPlainReaderReportsWhereToContinue(t *testing.T) {
	srv, c := uploadFake(t)
	ctx := context.Background()
	data := randomBytes(2<<20, 2)
	id := resumableContainer(t, c, srv)
	srv.InjectUploadFailure(700_000)

	err := c.Media.UploadVideo(ctx, id, &onlyReader{bytes.NewReader(data)}, int64(len(data)))
	var ie *instagram.UploadInterruptedError
	require.ErrorAs(t, err, &ie)
	assert.ErrorIs(t, err, instagram.ErrUploadInterrupted)
	assert.Equal(t, int64(700_000), ie.Offset)
	assert.Equal(t, int64(len(data)), ie.Size)
	assert.Equal(t, id, ie.ContainerID)

	off, err := c.Media.UploadOffset(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, ie.Offset, off)
	require.NoError(t, c.Media.UploadVideoAt(ctx, id, &onlyReader{bytes.NewReader(data[off:])}, int64(len(data)), off))
	ct, _ := srv.Container(id)
	assert.Equal(t, sha256Hex(data), ct.SHA256)

	off, err = c.Media.UploadOffset(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, int64(len(data)), off)
}

func TestUploadRejectsBadInput(t *testing.T) {
	srv, c := uploadFake(t)
	ctx := context.Background()
	id := resumableContainer(t, c, srv)
	var ve *instagram.ValidationError
	require.ErrorAs(t, c.Media.UploadVideo(ctx, id, nil, 10), &ve)
	require.ErrorAs(t, c.Media.UploadVideo(ctx, id, bytes.NewReader(nil), 0), &ve)
	require.ErrorAs(t, c.Media.UploadVideoAt(ctx, id, bytes.NewReader([]byte("abc")), 3, 3), &ve)
	require.ErrorAs(t, c.Media.UploadVideoURL(ctx, id, "ftp://x/y.mp4"), &ve)
	require.ErrorAs(t, c.Media.UploadVideo(ctx, "", bytes.NewReader([]byte("abc")), 3), &ve)
	assert.Zero(t, srv.RequestCount("POST", "/ig-api-upload/*/*"))

	// A source shorter than announced is reported, not retried.
	err := c.Media.UploadVideo(ctx, id, &onlyReader{bytes.NewReader(make([]byte, 100))}, 1000)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ended before its size")

	// An image container does not take uploads.
	img, err := c.Media.CreateContainer(ctx, srv.UserID, &instagram.ContainerOptions{ImageURL: "https://cdn.example.com/a.jpg"})
	require.NoError(t, err)
	err = c.Media.UploadVideo(ctx, img.ID, bytes.NewReader([]byte("abc")), 3)
	var ae *instagram.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 400, ae.HTTPStatus)
	assert.Contains(t, ae.Error(), "resumable")
}

func TestUploadVideoURLFailureBecomesContainerError(t *testing.T) {
	srv, c := uploadFake(t)
	ctx := context.Background()
	id := resumableContainer(t, c, srv)
	require.NoError(t, c.Media.UploadVideoURL(ctx, id, "https://cdn.example.com/error.mov"))
	_, err := c.Media.WaitForContainer(ctx, id, &fastWait)
	var ce *instagram.ContainerError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 2207026, ce.ErrorCode())
}

// patternReader yields n bytes of a repeating pattern without holding them.
type patternReader struct {
	n, off int64
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	if rest := p.n - p.off; int64(len(b)) > rest {
		b = b[:rest]
	}
	for i := range b {
		b[i] = byte((p.off + int64(i)) * 31)
	}
	p.off += int64(len(b))
	return len(b), nil
}

// Meta documents resumable uploads for Facebook Login only: with Instagram
// Login every way into one is refused before any request, naming video_url.
func TestResumableRefusedOnInstagramLogin(t *testing.T) {
	srv, c := publishFake(t)
	ctx := context.Background()
	before := len(srv.Requests())
	checks := map[string]error{}
	_, checks["PublishReel Reader"] = c.Media.PublishReel(ctx, srv.UserID, instagram.VideoSource{Reader: bytes.NewReader([]byte("x")), Size: 1}, nil)
	_, checks["PublishStory FileURL"] = c.Media.PublishStory(ctx, srv.UserID, instagram.StorySource{Video: &instagram.VideoSource{FileURL: "https://cdn.example.com/v.mp4"}}, nil)
	_, checks["CreateContainer"] = c.Media.CreateContainer(ctx, srv.UserID, &instagram.ContainerOptions{MediaType: instagram.ContainerReels, UploadType: "resumable"})
	checks["UploadVideo"] = c.Media.UploadVideo(ctx, "17900000000000000", bytes.NewReader([]byte("x")), 1)
	checks["UploadVideoURL"] = c.Media.UploadVideoURL(ctx, "17900000000000000", "https://cdn.example.com/v.mp4")
	for name, err := range checks {
		assert.ErrorIs(t, err, instagram.ErrValidation, name)
		if err != nil {
			assert.Contains(t, err.Error(), "video_url", name)
		}
	}
	assert.Len(t, srv.Requests(), before, "nothing was sent")

	// A hosted video works on Instagram Login, and the status polls do not
	// ask for video_status, which the fake (like graph.instagram.com's
	// container reference) does not serve there.
	m, err := c.Media.PublishReel(ctx, srv.UserID, instagram.VideoSource{URL: "https://cdn.example.com/r.mp4"}, &instagram.PublishOptions{Wait: fastWait})
	require.NoError(t, err)
	assert.Equal(t, instagram.MediaProductTypeReels, m.MediaProductType)
	for _, r := range srv.Requests() {
		assert.NotContains(t, r.Query.Get("fields"), "video_status", r.Path)
	}
}

// The upload goes to the uri Meta returned with the container, not to an
// address built from the client's upload host.
func TestUploadUsesTheContainerURI(t *testing.T) {
	srv := instagramtest.NewServer()
	t.Cleanup(srv.Close)
	c, err := srv.FacebookClient(instagram.WithUploadURL("http://127.0.0.1:1")) // nothing listens there
	require.NoError(t, err)
	data := bytes.Repeat([]byte("uri!"), 4096)
	m, err := c.Media.PublishReel(context.Background(), srv.UserID,
		instagram.VideoSource{Reader: bytes.NewReader(data), Size: int64(len(data))}, &instagram.PublishOptions{Wait: fastWait})
	require.NoError(t, err)
	assert.Equal(t, int64(len(data)), containerOf(t, srv, m.ID).BytesReceived)
	assert.Equal(t, 1, srv.RequestCount("POST", "/ig-api-upload/*/*"))
}
