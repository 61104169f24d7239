package instagram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// Download failures, matched with errors.Is on a *DownloadError.
var (
	// ErrURLExpired: the CDN refused a signed media URL (HTTP 403, often
	// with "URL signature expired" in the body) or reports it gone (410).
	// Read the media again for a fresh media_url.
	ErrURLExpired = errors.New("instagram: media URL expired")
	// ErrDownloadTooLarge: the file is larger than the size cap.
	ErrDownloadTooLarge = errors.New("instagram: download larger than its cap")
	// ErrContentType: the CDN answered a content type that was not asked
	// for, such as an HTML error page.
	ErrContentType = errors.New("instagram: unexpected content type")
)

// DownloadOptions are the options of Download.
type DownloadOptions struct {
	// MaxBytes caps the bytes written to w (DefaultMaxDownload when 0).
	MaxBytes int64
	// ContentTypes lists the accepted media types: exact ("video/mp4") or
	// prefixes ending in "/" ("image/"). Empty accepts image/, video/ and
	// audio/ types, what media and webhook attachments carry.
	ContentTypes []string
}

// DownloadResult describes a finished download.
type DownloadResult struct {
	// Bytes is how many bytes were written.
	Bytes int64
	// ContentType is the media type the CDN answered.
	ContentType string
}

// DownloadError reports a failed download; errors.Is matches its Kind
// (ErrURLExpired, ErrDownloadTooLarge, ErrContentType) or, for other
// refusals, nothing but the error itself.
type DownloadError struct {
	// Kind is one of the Err* download sentinels, or nil.
	Kind error
	// URL is the address without its query (signed URLs carry their
	// signature there).
	URL string
	// StatusCode is the CDN's HTTP status.
	StatusCode int
	// ContentType is the media type the CDN answered.
	ContentType string
	// Limit is the size cap (ErrDownloadTooLarge).
	Limit int64
	// Body is the start of an error answer's body.
	Body string
}

// Error describes the failure.
func (e *DownloadError) Error() string {
	switch e.Kind {
	case ErrURLExpired:
		return fmt.Sprintf("instagram: media URL %s expired (HTTP %d %s): read the media again for a fresh URL", e.URL, e.StatusCode, strings.TrimSpace(e.Body))
	case ErrDownloadTooLarge:
		return fmt.Sprintf("instagram: download of %s exceeds its cap of %d bytes", e.URL, e.Limit)
	case ErrContentType:
		return fmt.Sprintf("instagram: download of %s answered content type %q", e.URL, e.ContentType)
	}
	return fmt.Sprintf("instagram: download of %s failed: HTTP %d %s", e.URL, e.StatusCode, strings.TrimSpace(e.Body))
}

// Unwrap returns Kind.
func (e *DownloadError) Unwrap() error { return e.Kind }

// Download streams a media file from its CDN address (a Media's MediaURL or
// ThumbnailURL, a webhook attachment's URL) to w, without sending the
// client's access token: CDN addresses carry their own signature. It
// checks the content type before writing and stops at the size cap; a
// partial file may have been written when the cap is hit. The request goes
// through the client's HTTP client (WithHTTPClient), so that one must not
// add credentials of its own to every request.
func (c *Client) Download(ctx context.Context, mediaURL string, w io.Writer, opts *DownloadOptions) (*DownloadResult, error) {
	if ctx == nil {
		return nil, &ValidationError{Field: "ctx", Rule: "must not be nil"}
	}
	if w == nil || isNilInterface(w) {
		return nil, &ValidationError{Field: "writer", Rule: "must not be nil"}
	}
	u, err := url.Parse(mediaURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, &ValidationError{Field: "url", Rule: "must be an absolute http or https URL"}
	}
	var o DownloadOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxBytes < 0 {
		return nil, &ValidationError{Field: "MaxBytes", Rule: "must not be negative"}
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxDownload
	}
	if len(o.ContentTypes) == 0 {
		o.ContentTypes = []string{"image/", "video/", "audio/"}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, mediaURL, nil)
	if err != nil {
		return nil, &ValidationError{Field: "url", Rule: err.Error()}
	}
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, &NetworkError{Method: http.MethodGet, Path: redactPath(u), Err: scrubError(err)}
	}
	defer func() { _ = resp.Body.Close() }()
	de := &DownloadError{URL: redactPath(u), StatusCode: resp.StatusCode, Limit: o.MaxBytes}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	de.ContentType = ct
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		de.Body = string(b)
		if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusGone {
			de.Kind = ErrURLExpired
		}
		return nil, de
	}
	if !acceptType(ct, o.ContentTypes) {
		de.Kind = ErrContentType
		return nil, de
	}
	if resp.ContentLength > o.MaxBytes {
		de.Kind = ErrDownloadTooLarge
		return nil, de
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, o.MaxBytes))
	if err != nil {
		return &DownloadResult{Bytes: n, ContentType: ct}, &NetworkError{Method: http.MethodGet, Path: redactPath(u), Err: scrubError(err)}
	}
	if n == o.MaxBytes {
		// One more byte tells a file of exactly the cap from a larger one.
		if m, _ := io.Copy(io.Discard, io.LimitReader(resp.Body, 1)); m > 0 {
			de.Kind = ErrDownloadTooLarge
			return &DownloadResult{Bytes: n, ContentType: ct}, de
		}
	}
	return &DownloadResult{Bytes: n, ContentType: ct}, nil
}

func acceptType(ct string, accepted []string) bool {
	for _, a := range accepted {
		a = strings.ToLower(a)
		if ct == a || (strings.HasSuffix(a, "/") && strings.HasPrefix(ct, a)) {
			return true
		}
	}
	return false
}
