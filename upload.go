package instagram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Resumable upload sends a video to Meta's upload host
// (rupload.facebook.com) into a container created with UploadType
// "resumable". The request carries the token as "Authorization: OAuth
// <token>", the byte offset the body starts at and the file's total size;
// the body is streamed from the caller's reader, so memory does not grow
// with the file. When the transfer breaks off, the SDK asks where the server
// stands (the container's video_status.uploading_phase.bytes_transferred)
// and continues from there.
//
// Meta documents resumable uploads for Instagram API with Facebook Login
// only ("Upload Video to Meta Servers", updated 2026-03-15). With Instagram
// Login, containers with UploadType "resumable" (and so VideoSource.Reader
// and VideoSource.FileURL) are refused with ErrValidation before any
// request: host the video at a public HTTPS address and pass it as
// VideoSource.URL (video_url) instead.

// UploadInterruptedError reports an upload that broke off at Offset and
// could not continue because its source is neither an io.Seeker nor an
// io.ReaderAt. Open the source again at Offset and call UploadVideoAt.
type UploadInterruptedError struct {
	// ContainerID is the resumable container.
	ContainerID string
	// Offset is how many bytes the server holds.
	Offset int64
	// Size is the file's total size.
	Size int64
	// Err is the failure that interrupted the upload.
	Err error
}

// Error says where the upload stopped.
func (e *UploadInterruptedError) Error() string {
	return fmt.Sprintf("instagram: upload to container %s interrupted at byte %d of %d and the source cannot seek: %v",
		e.ContainerID, e.Offset, e.Size, e.Err)
}

// Is matches ErrUploadInterrupted.
func (e *UploadInterruptedError) Is(target error) bool { return target == ErrUploadInterrupted }

// Unwrap returns the failure.
func (e *UploadInterruptedError) Unwrap() error { return e.Err }

// maxStalledUploads bounds how many attempts in a row may end without the
// server gaining a byte.
const maxStalledUploads = 5

// errResumableNeedsFacebookLogin refuses a resumable upload on Instagram
// Login.
var errResumableNeedsFacebookLogin = &ValidationError{Field: "upload_type",
	Rule: "resumable uploads (rupload.facebook.com) are documented for Instagram API with Facebook Login only; with Instagram Login host the video at a public HTTPS address and set VideoSource.URL (video_url)"}

// uploadURIKey carries the upload address Meta returned with a container
// (its "uri") to the upload calls.
type uploadURIKey struct{}

// withUploadURI makes the upload calls for c go to the uri Meta returned
// with it rather than to an address built from the id.
func withUploadURI(ctx context.Context, c *Container) context.Context {
	if c == nil || c.URI == "" {
		return ctx
	}
	return context.WithValue(ctx, uploadURIKey{}, [2]string{c.ID, c.URI})
}

// uploadEndpoint is the resumable upload address of a container: the uri
// Meta returned with it when the caller has it (and it points to the upload
// host, the Graph host or a facebook.com host over HTTPS, so the token is
// never sent elsewhere), otherwise the address built on the client's upload
// host.
func (c *Client) uploadEndpoint(ctx context.Context, containerID string) string {
	if v, ok := ctx.Value(uploadURIKey{}).([2]string); ok && v[0] == containerID {
		if u, err := url.Parse(v[1]); err == nil && c.trustedUploadHost(u) {
			return u.String()
		}
	}
	return c.uploadURL.String() + "/ig-api-upload/" + c.version + "/" + pathEscape(containerID)
}

func (c *Client) trustedUploadHost(u *url.URL) bool {
	if u.Host == "" || u.User != nil {
		return false
	}
	for _, known := range []*url.URL{c.uploadURL, c.baseURL} {
		if known != nil && u.Scheme == known.Scheme && strings.EqualFold(u.Host, known.Host) {
			return true
		}
	}
	h := strings.ToLower(u.Hostname())
	return u.Scheme == "https" && (h == "facebook.com" || strings.HasSuffix(h, ".facebook.com"))
}

// uploadAnswer is the upload host's answer: {"success":true,"message":...}.
type uploadAnswer struct {
	Success *Bool  `json:"success"`
	Message string `json:"message"`
}

// UploadVideo streams size bytes from r into a resumable container. If the
// transfer breaks off (network error, 5xx), it reads how many bytes the
// server holds and continues from there: an io.Seeker or io.ReaderAt source
// is repositioned; another reader continues only if the server holds
// exactly what was read from it, and otherwise an *UploadInterruptedError
// says where to start again with UploadVideoAt. Requests go to the
// client's upload host (WithUploadURL, rupload.facebook.com by default) at
// the address Meta documents; the Publish methods send to the uri of the
// container answer instead. Facebook Login only: with Instagram Login it
// returns ErrValidation (use VideoSource.URL).
//
// Meta API: POST https://rupload.facebook.com/ig-api-upload/{version}/{ig-container-id}
// Meta API: GET /{ig-container-id}
func (s *MediaService) UploadVideo(ctx context.Context, containerID string, r io.Reader, size int64) error {
	return s.UploadVideoAt(ctx, containerID, r, size, 0)
}

// UploadVideoAt continues a resumable upload at byte offset of the file: r
// yields the file's bytes from offset on (an io.Seeker is taken to be
// positioned at offset; io.ReaderAt offsets are file offsets). Use it after
// an *UploadInterruptedError, or with the offset of UploadOffset after a
// restart.
//
// Meta API: POST https://rupload.facebook.com/ig-api-upload/{version}/{ig-container-id}
// Meta API: GET /{ig-container-id}
func (s *MediaService) UploadVideoAt(ctx context.Context, containerID string, r io.Reader, size, offset int64) error {
	if err := checkID("container id", containerID); err != nil {
		return err
	}
	if s.client.platform != FacebookLogin {
		return errResumableNeedsFacebookLogin
	}
	switch {
	case r == nil || isNilInterface(r):
		return &ValidationError{Field: "reader", Rule: "must not be nil"}
	case size <= 0:
		return &ValidationError{Field: "file_size", Rule: "must be positive"}
	case offset < 0 || offset >= size:
		return &ValidationError{Field: "offset", Rule: "must be within the file"}
	}
	src := newUploadSource(r, size, offset)
	return s.upload(ctx, containerID, src, offset)
}

// UploadVideoURL has the upload host fetch the video from a public URL
// (file_url header) into a resumable container. Facebook Login only, as
// for UploadVideo.
//
// Meta API: POST https://rupload.facebook.com/ig-api-upload/{version}/{ig-container-id}
func (s *MediaService) UploadVideoURL(ctx context.Context, containerID, fileURL string) error {
	if err := checkID("container id", containerID); err != nil {
		return err
	}
	if s.client.platform != FacebookLogin {
		return errResumableNeedsFacebookLogin
	}
	if !strings.HasPrefix(fileURL, "https://") && !strings.HasPrefix(fileURL, "http://") {
		return &ValidationError{Field: "file_url", Rule: "must be an http or https URL"}
	}
	var err error
	for attempt := 1; ; attempt++ {
		err = s.sendUpload(ctx, containerID, func(req *http.Request) { req.Header.Set("file_url", fileURL) })
		// The host fetches the file itself: asking again cannot duplicate
		// anything, so transient failures are sent again.
		if err == nil || ctx.Err() != nil || !uploadRetryable(err) || attempt >= s.client.retry.MaxAttempts {
			return err
		}
		if serr := sleepCtx(ctx, s.client.retry.backoff(attempt)); serr != nil {
			return err
		}
	}
}

// UploadOffset reports how many bytes of a resumable container's file the
// server holds.
//
// Meta API: GET /{ig-container-id}
func (s *MediaService) UploadOffset(ctx context.Context, containerID string) (int64, error) {
	c := new(Container)
	if err := checkID("container id", containerID); err != nil {
		return 0, err
	}
	if err := s.client.get(ctx, pathEscape(containerID), fieldsQuery("id,video_status"), c); err != nil {
		return 0, err
	}
	if c.VideoStatus == nil || c.VideoStatus.UploadingPhase == nil {
		return 0, nil
	}
	n := c.VideoStatus.UploadingPhase.BytesTransferred
	if n < 0 {
		return 0, &DecodeError{Method: http.MethodGet, Path: "/" + containerID,
			Err: fmt.Errorf("negative bytes_transferred %d", n)}
	}
	return n, nil
}

// uploadRetryable tells failures worth continuing after: the transfer broke
// off or the host failed on its side.
func uploadRetryable(err error) bool {
	var (
		ne *NetworkError
		de *DecodeError
		ae *Error
	)
	switch {
	case errors.As(err, &ne), errors.As(err, &de):
		return true
	case errors.As(err, &ae):
		return ae.HTTPStatus >= 500 || ae.isTransient()
	}
	return false
}

func (s *MediaService) upload(ctx context.Context, containerID string, src *uploadSource, off int64) (err error) {
	prog := startProgress(ctx, src.size, off)
	defer func() { prog.stop(err == nil) }()
	stalled := 0
	for {
		body, getBody, err := src.from(off)
		if err != nil {
			return err
		}
		body, getBody = prog.wrap(body, getBody, off)
		n := src.size - off
		err = s.sendUpload(ctx, containerID, func(req *http.Request) {
			req.Body, req.GetBody, req.ContentLength = body, getBody, n
			req.Header.Set("Content-Type", "application/octet-stream")
			req.Header.Set("offset", strconv.FormatInt(off, 10))
			req.Header.Set("file_size", strconv.FormatInt(src.size, 10))
		})
		if err == nil {
			return nil
		}
		if src.short {
			return fmt.Errorf("instagram: upload source ended before its size of %d bytes: %w", src.size, err)
		}
		if ctx.Err() != nil || !uploadRetryable(err) {
			return err
		}
		if stalled++; stalled >= maxStalledUploads {
			return err
		}
		if serr := sleepCtx(ctx, s.client.retry.backoff(stalled)); serr != nil {
			return err
		}
		held, serr := s.UploadOffset(ctx, containerID)
		if serr != nil {
			return errors.Join(err, serr)
		}
		if held >= src.size {
			return nil // everything arrived; only the answer was lost
		}
		if held > off {
			stalled = 0
		}
		if !src.canStart(held) {
			return &UploadInterruptedError{ContainerID: containerID, Offset: held, Size: src.size, Err: err}
		}
		off = held
	}
}

// sendUpload sends one request to the container's upload address through
// the client's pipeline. The upload host takes the token with the "OAuth"
// scheme, so the request is marked to go without the pipeline's Bearer
// header and carries its own.
func (s *MediaService) sendUpload(ctx context.Context, containerID string, prepare func(*http.Request)) error {
	if s.client.tokens == nil {
		return errors.New("instagram: resumable uploads need an access token (WithAccessToken or WithTokenSource)")
	}
	tok, err := tokenFor(ctx, s.client.tokens)
	if err != nil {
		return fmt.Errorf("instagram: obtaining access token: %w", scrubError(err, ""))
	}
	r := &request{method: http.MethodPost, path: s.client.uploadEndpoint(ctx, containerID), noAuth: true, prepare: func(req *http.Request) {
		req.Header.Set("Authorization", "OAuth "+tok.AccessToken)
		prepare(req)
	}}
	var ans uploadAnswer
	if _, err := s.client.do(ctx, r, &ans); err != nil {
		return err
	}
	if ans.Success != nil && !bool(*ans.Success) {
		return &Error{HTTPStatus: http.StatusOK, Message: "upload not accepted: " + ans.Message}
	}
	return nil
}

// uploadSource reads the file being uploaded and knows which offsets it can
// start a request from.
type uploadSource struct {
	r      io.Reader
	size   int64
	seeker io.Seeker
	base   int64 // seeker position of file byte 0
	ra     io.ReaderAt
	pos    int64 // file offset of the next byte r yields
	short  bool  // r ended before size
}

func newUploadSource(r io.Reader, size, offset int64) *uploadSource {
	u := &uploadSource{r: r, size: size, pos: offset}
	if sk, ok := r.(io.Seeker); ok {
		if at, err := sk.Seek(0, io.SeekCurrent); err == nil {
			u.seeker, u.base = sk, at-offset
			return u
		}
	}
	if ra, ok := r.(io.ReaderAt); ok {
		u.ra = ra
	}
	return u
}

// canStart tells whether a request can start at file offset off.
func (u *uploadSource) canStart(off int64) bool {
	return u.seeker != nil || u.ra != nil || off == u.pos
}

// from returns a body yielding the file from off to its end, and a GetBody
// that yields it again for seekable sources.
func (u *uploadSource) from(off int64) (io.ReadCloser, func() (io.ReadCloser, error), error) {
	n := u.size - off
	switch {
	case u.seeker != nil:
		get := func() (io.ReadCloser, error) {
			if _, err := u.seeker.Seek(u.base+off, io.SeekStart); err != nil {
				return nil, fmt.Errorf("instagram: repositioning the upload source: %w", err)
			}
			u.pos = off
			return io.NopCloser(&countingReader{r: io.LimitReader(u.r, n), src: u, want: n}), nil
		}
		body, err := get()
		return body, get, err
	case u.ra != nil:
		get := func() (io.ReadCloser, error) {
			u.pos = off
			return io.NopCloser(&countingReader{r: io.NewSectionReader(u.ra, off, n), src: u, want: n}), nil
		}
		body, _ := get()
		return body, get, nil
	}
	if off != u.pos {
		return nil, nil, fmt.Errorf("instagram: upload source is at byte %d, not %d", u.pos, off)
	}
	return io.NopCloser(&countingReader{r: io.LimitReader(u.r, n), src: u, want: n}), nil, nil
}

// countingReader advances the source's position and notices a source that
// ends early.
type countingReader struct {
	r    io.Reader
	src  *uploadSource
	want int64
	got  int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.got += int64(n)
	c.src.pos += int64(n)
	if err == io.EOF && c.got < c.want {
		c.src.short = true
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}
