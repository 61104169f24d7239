package instagramtest

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// RecordedRequest is a request as the server received it, with secrets
// replaced by "REDACTED".
type RecordedRequest struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path without the version prefix, e.g. "/me/media".
	Path string
	// Version is the API version of the path ("v25.0"), "" when unversioned.
	Version string
	// Query is the URL query.
	Query url.Values
	// Form is the parameters of a form or JSON body.
	Form url.Values
	// Header is the request header.
	Header http.Header
	// Time is the server time of arrival.
	Time time.Time
	// Status is the HTTP status answered; 0 when no answer was sent
	// (dropped connection, client gone).
	Status int
}

// secretParams are masked in the request log.
var secretParams = []string{
	"access_token", "appsecret_proof", "client_secret", "code",
	"fb_exchange_token", "input_token", "refresh_token", "verify_token",
	"hub.verify_token",
}

// secretHeaders are masked in the request log.
var secretHeaders = []string{"Authorization", "Cookie", "Proxy-Authorization"}

const redacted = "REDACTED"

func maskValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		cp := append([]string(nil), vs...)
		for _, secret := range secretParams {
			if strings.EqualFold(k, secret) {
				for i := range cp {
					cp[i] = redacted
				}
			}
		}
		out[k] = cp
	}
	return out
}

func (s *Server) record(c *call) *RecordedRequest {
	h := c.r.Header.Clone()
	for _, name := range secretHeaders {
		key := http.CanonicalHeaderKey(name)
		for i := range h[key] {
			h[key][i] = redacted
		}
	}
	rec := &RecordedRequest{
		Method: c.method, Path: c.path, Version: c.version,
		Query: maskValues(c.r.URL.Query()), Form: maskValues(c.form),
		Header: h, Time: s.now(),
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	s.log.add(rec, s.cfg.logSize)
	return rec
}

func (s *Server) finishRecord(rec *RecordedRequest, status int) {
	s.meta.Lock()
	defer s.meta.Unlock()
	rec.Status = status
}

// DefaultRequestLogSize is how many requests the log keeps unless
// WithRequestLogSize says otherwise (about 1.3 KB each).
const DefaultRequestLogSize = 50000

// WithRequestLogSize bounds the request log to the n most recent requests
// (default DefaultRequestLogSize); older ones are dropped, so Requests and
// RequestCount see the last n. Stats counts every request.
func WithRequestLogSize(n int) Option { return func(c *config) { c.logSize = n } }

// requestRing is the request log: a ring buffer of the newest requests.
type requestRing struct {
	buf     []*RecordedRequest
	start   int // index of the oldest entry once the buffer is full
	dropped int
}

func (r *requestRing) add(rec *RecordedRequest, size int) {
	if size <= 0 {
		size = DefaultRequestLogSize
	}
	if len(r.buf) < size {
		r.buf = append(r.buf, rec)
		return
	}
	r.buf[r.start] = rec
	r.start = (r.start + 1) % len(r.buf)
	r.dropped++
}

// each calls fn on the entries, oldest first.
func (r *requestRing) each(fn func(*RecordedRequest)) {
	for i := range r.buf {
		fn(r.buf[(r.start+i)%len(r.buf)])
	}
}

// DroppedRequests counts the requests dropped from the bounded log.
func (s *Server) DroppedRequests() int {
	s.meta.Lock()
	defer s.meta.Unlock()
	return s.log.dropped
}

// Requests returns the requests the log holds (the most recent
// WithRequestLogSize ones), oldest first.
func (s *Server) Requests() []RecordedRequest {
	s.meta.Lock()
	defer s.meta.Unlock()
	out := make([]RecordedRequest, 0, len(s.log.buf))
	s.log.each(func(r *RecordedRequest) {
		i := len(out)
		out = append(out, *r)
		out[i].Query = cloneValues(r.Query)
		out[i].Form = cloneValues(r.Form)
		out[i].Header = r.Header.Clone()
	})
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.meta.Lock()
	defer s.meta.Unlock()
	s.log = requestRing{}
}

// RequestCount counts logged requests with the method ("" for any) whose
// path without version matches the path.Match glob ("" for any), among
// the requests the bounded log holds.
func (s *Server) RequestCount(method, pattern string) int {
	s.meta.Lock()
	defer s.meta.Unlock()
	n := 0
	s.log.each(func(r *RecordedRequest) {
		if method != "" && !strings.EqualFold(method, r.Method) {
			return
		}
		if pattern != "" {
			if ok, _ := path.Match(pattern, r.Path); !ok {
				return
			}
		}
		n++
	})
	return n
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
